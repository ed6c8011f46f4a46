package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TreeSnapshot;
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
 * {@code migrate} of a Hub cache written by the npm {@code @huggingface/hub} client (the pinned version of
 * {@code src/test/npm}): the real jar links every blob into the store without copying, verified, leaves the cache
 * as it was, and the store then answers offline with no request.
 */
class MigrateNpmCacheIT {
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
    void serveATinyRepository() throws IOException {
        hub = new FakeHub();
        weights = Content.synthetic(128 * 1024, 23);
        commit = hub.model("org/tiny").file("config.json", "{\"model_type\":\"tiny\"}\n")
                .lfs("weights/model.bin", weights).commit();
        work = Scratch.fresh("migrate-npm-cache");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void aCacheTheNpmClientWroteIsLinkedIntoTheStoreAndServedOffline() throws IOException {
        Path cache = work.resolve("npm-cache");
        client.snapshotDownload(work, hub.endpoint(), "org/tiny", cache);
        Map<String, String> before = TreeSnapshot.of(cache);
        Path store = work.resolve("store");
        hub.clearRequests();

        ChildJvm.Exit migrate = ChildJvm.run(Duration.ofMinutes(1), work, "migrate", "--from", cache.toString(),
                "--store", store.toString(), "--offline", "--json");

        assertThat(migrate.code()).as(migrate.describe()).isZero();
        Map<String, Object> report = Json.parseObject(migrate.stdout());
        assertThat(report).containsEntry("kind", "Hugging Face cache").containsEntry("files", 2L)
                .containsEntry("hardLinked", 2L).containsEntry("skipped", List.of())
                .containsEntry("pinned", List.of("hf://org/tiny@main"));
        assertThat(TreeSnapshot.of(cache)).as("the npm client's cache after migrate").isEqualTo(before);
        Path blob = RepoFolder.model(store, "org/tiny").snapshot(commit).resolve("weights/model.bin").toRealPath();
        assertThat(Files.isSameFile(blob, cache.resolve("models--org--tiny/blobs/" + weights.sha256())))
                .as("the store's blob is the cache's file, hard-linked").isTrue();

        ChildJvm.Exit pull = ChildJvm.run(Duration.ofMinutes(1), work, "pull", "hf://org/tiny@main", "--store",
                store.toString(), "--endpoint", hub.endpoint(), "--offline", "--json");
        assertThat(pull.code()).as(pull.describe()).isZero();
        Map<String, Object> result = Json.parseObject(Json.write(((List<?>) Json.parse(pull.stdout())).get(0)));
        assertThat(result).containsEntry("hit", true)
                .containsEntry("path", RepoFolder.model(store, "org/tiny").snapshot(commit).toString());
        assertThat(RepoFolder.sha256(blob)).isEqualTo(weights.sha256());
        assertThat(hub.requests()).as("requests after the npm client's download").isEmpty();
    }
}
