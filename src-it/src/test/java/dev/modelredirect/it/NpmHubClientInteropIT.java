package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's {@code hub/} folder and the cache of the npm client {@code @huggingface/hub} are one format: each reads
 * what the other wrote as a hit. The client is the pinned version of {@code src/test/npm/package-lock.json},
 * installed with {@code npm ci} under {@code target}.
 */
class NpmHubClientInteropIT {
    private static final String CONFIG = "{\"model_type\":\"tiny\",\"hidden_size\":8}\n";

    private static NpmHubClient client;

    private FakeHub hub;
    private Content weights;
    private String commit;
    private Path work;

    @BeforeAll
    static void installThePinnedNpmClient() throws IOException {
        client = NpmHubClient.install("npm-client");
    }

    @BeforeEach
    void serveATinyRepositoryWithANestedLfsFile() throws IOException {
        hub = new FakeHub();
        weights = Content.synthetic(64 * 1024, 41);
        commit = hub.model("org/tiny").file("config.json", CONFIG).lfs("weights/model.bin", weights).commit();
        work = Scratch.fresh("npm-hub-client-interop");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void theNpmClientReadsAStoreOurJarWroteWithoutDownloadingAByte() throws IOException {
        Path store = work.resolve("store");
        ChildJvm.Exit pull = ChildJvm.run(Duration.ofMinutes(1), work, "pull", "hf://org/tiny", "--store",
                store.toString(), "--endpoint", hub.endpoint());
        assertThat(pull.code()).as(pull.describe()).isZero();
        hub.clearRequests();

        Path snapshot = client.snapshotDownload(work, hub.endpoint(), "org/tiny", store.resolve("hub"));

        assertThat(snapshot).isEqualTo(RepoFolder.model(store, "org/tiny").snapshot(commit));
        assertThat(hub.requests()).as("the npm client asked the hub about the repository").isNotEmpty();
        assertThat(hub.contentGets()).as("content GETs of the npm client; requests: %s", hub.requests()).isZero();
    }

    @Test
    void ourJarReadsACacheTheNpmClientWroteOfflineAsAHit() throws IOException {
        Path store = work.resolve("store");
        Path snapshot = client.snapshotDownload(work, hub.endpoint(), "org/tiny", store.resolve("hub"));
        RepoFolder repo = RepoFolder.model(store, "org/tiny");
        assertThat(snapshot).isEqualTo(repo.snapshot(commit));
        assertThat(Files.readString(snapshot.resolve("config.json"))).as("config.json the npm client wrote")
                .isEqualTo(CONFIG);
        hub.clearRequests();

        ChildJvm.Exit pull = ChildJvm.run(Duration.ofMinutes(1), work, "pull", "hf://org/tiny", "--store",
                store.toString(), "--endpoint", hub.endpoint(), "--offline", "--json");
        assertThat(pull.code()).as(pull.describe()).isZero();
        Map<String, Object> result = Json.parseObject(
                Json.write(((List<?>) Json.parse(pull.stdout())).get(0)));
        assertThat(result).as("pull --json").containsEntry("hit", true)
                .containsEntry("path", repo.snapshot(commit).toString());

        ChildJvm.Exit which = ChildJvm.run(Duration.ofMinutes(1), work, "which", "hf://org/tiny/config.json",
                "--store", store.toString());
        assertThat(which.code()).as(which.describe()).isZero();
        assertThat(which.stdout().strip()).isEqualTo(repo.snapshotFile(commit, "config.json").toString());
        assertThat(RepoFolder.sha256(repo.snapshotFile(commit, "weights/model.bin"))).isEqualTo(weights.sha256());
        assertThat(hub.requests()).as("requests of our jar").isEmpty();
    }



}
