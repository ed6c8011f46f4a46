package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar model-redirect.jar serve} as a child process, used as {@code hubUrl} by the npm client
 * {@code @huggingface/hub} (the pinned version of {@code src/test/npm/package-lock.json}) and as the endpoint of our own
 * jar: the files arrive with their exact bytes, the server logs each request, and SIGTERM stops it.
 */
class ServeNpmClientIT {
    private static final String CONFIG = "{\"model_type\":\"tiny\",\"hidden_size\":8}\n";
    private static final String VOCAB = "[PAD]\n[UNK]\nhello\n";

    private static NpmHubClient client;

    private FakeHub hub;
    private Content weights;
    private String commit;
    private Path work;

    @BeforeAll
    static void installThePinnedNpmClient() throws IOException {
        client = NpmHubClient.install("npm-client-serve");
    }

    @BeforeEach
    void aHubWithANestedRepository() throws IOException {
        hub = new FakeHub();
        weights = Content.synthetic(3 << 20, 43);
        commit = hub.model("org/tiny").file("config.json", CONFIG).lfs("weights/model.bin", weights)
                .file("tokenizer/sub/vocab.txt", VOCAB).commit();
        work = Scratch.fresh("serve-npm-client");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void theNpmClientAndOurJarDownloadAStoreThroughServeAndSigtermStopsIt() throws Exception {
        Path store = work.resolve("store");
        ChildJvm.Exit pull = ChildJvm.run(Duration.ofMinutes(1), work, "pull", "hf://org/tiny", "--store",
                store.toString(), "--endpoint", hub.endpoint());
        assertThat(pull.code()).as(pull.describe()).isZero();
        hub.close(); // from here on, every byte comes from serve

        try (ChildJvm serve = ChildJvm.cli(work, "serve", "--port", "0", "--store", store.toString()).start()) {
            String url = ServeProcess.awaitUrl(serve, store);

            Path snapshot = client.snapshotDownload(work, url, "org/tiny", work.resolve("npm-cache"));
            assertThat(snapshot).isEqualTo(work.resolve("npm-cache/models--org--tiny/snapshots/" + commit));
            assertSnapshot(snapshot);

            Path ours = work.resolve("our-store");
            ChildJvm.Exit through = ChildJvm.run(Duration.ofMinutes(1), work, "pull", "hf://org/tiny", "--store",
                    ours.toString(), "--endpoint", url);
            assertThat(through.code()).as(through.describe()).isZero();
            assertSnapshot(RepoFolder.model(ours, "org/tiny").snapshot(commit));

            assertThat(serve.stderr()).as("one log line per request")
                    .contains("serve: GET /api/models/org/tiny/revision/main 200")
                    .contains("serve: GET /org/tiny/resolve/" + commit + "/weights/model.bin 20")
                    .contains("serve: POST /api/models/org/tiny/paths-info/" + commit + " 200");

            ProcessHandle.of(serve.pid()).orElseThrow().destroy(); // SIGTERM
            ChildJvm.Exit exit = serve.awaitExit(Duration.ofSeconds(20));
            assertThat(exit.code()).as("exit code after SIGTERM\n%s", exit.describe()).isIn(0, 143);
        }
    }

    @Test
    void aPullThroughMirrorFetchesEachFileOnceAndServesTheSecondClientFromItsStore() throws Exception {
        Path mirror = work.resolve("mirror");
        try (ChildJvm serve = ChildJvm.cli(work, "serve", "--port", "0", "--store", mirror.toString(),
                "--endpoint", hub.endpoint()).start()) {
            String url = ServeProcess.awaitUrl(serve, mirror);
            assertSnapshot(client.snapshotDownload(work, url, "org/tiny", work.resolve("npm-cache-1")));
            assertThat(hub.contentGets()).as("content GETs upstream: %s", hub.requests()).isEqualTo(3);
            assertThat(RepoFolder.model(mirror, "org/tiny").blob(weights.sha256())).isRegularFile();

            hub.clearRequests();
            assertSnapshot(client.snapshotDownload(work, url, "org/tiny", work.resolve("npm-cache-2")));
            assertThat(hub.requests()).as("the second client is served from the mirror's store").isEmpty();
        }
    }

    private void assertSnapshot(Path snapshot) throws IOException {
        assertThat(Files.readString(snapshot.resolve("config.json"))).isEqualTo(CONFIG);
        assertThat(Files.readString(snapshot.resolve("tokenizer/sub/vocab.txt"))).isEqualTo(VOCAB);
        assertThat(RepoFolder.sha256(snapshot.resolve("weights/model.bin"))).isEqualTo(weights.sha256());
    }


}
