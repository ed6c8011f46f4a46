package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubServer} as a pull-through mirror of a {@link FakeHub}: a miss is fetched once, then served. */
class PullThroughTest {
    @TempDir
    Path temp;

    FakeHub upstream;
    Content weights = Content.synthetic(100_000, 5);
    String commit;
    Path mirrorRoot;
    ModelStore mirror;
    HubServer server;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startAnEmptyMirrorOfTheFakeHub() throws Exception {
        upstream = new FakeHub();
        commit = upstream.model("org/tiny").file("config.json", "{}\n").lfs("weights/model.bin", weights).commit();
        mirrorRoot = temp.resolve("mirror");
        mirror = TestStores.open(mirrorRoot, upstream.endpoint());
        server = HubServer.start(HubServer.Options.loopback(mirrorRoot).withUpstream(mirror, upstream.endpoint()));
    }

    @AfterEach
    void stop() {
        server.close();
        mirror.close();
        upstream.close();
    }

    HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    long upstreamContentGets() {
        return upstream.contentGets();
    }

    @Test
    void twoClientsAskingForTheSameMissAtOnceCauseOneUpstreamDownload() throws Exception {
        // a slow upstream body keeps the first download running while the second client asks
        upstream.fault(seen -> seen.server().equals("cdn"), 1, FakeHub.FaultKind.SLOW, 0, null, 10_000);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<byte[]>>> responses = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                responses.add(clients.submit(() -> {
                    go.await();
                    return get("/org/tiny/resolve/main/weights/model.bin");
                }));
            }
            go.countDown();
            for (Future<HttpResponse<byte[]>> response : responses) {
                assertThat(response.get().statusCode()).isEqualTo(200);
                assertThat(response.get().body()).isEqualTo(weights.bytes());
                assertThat(response.get().headers().firstValue("X-Repo-Commit")).contains(commit);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(upstreamContentGets()).as("upstream content GETs: %s", upstream.requests()).isEqualTo(1);
        assertThat(mirrorRoot.resolve("hub/models--org--tiny/blobs/" + weights.sha256())).exists();

        upstream.clearRequests();
        assertThat(get("/org/tiny/resolve/main/weights/model.bin").body()).isEqualTo(weights.bytes());
        assertThat(upstream.requests()).as("a hit asks upstream nothing").isEmpty();
    }

    @Test
    void ourDownloaderPullsAWholeRepositoryThroughTheMirrorAndASecondClientIsServedFromIt() throws Exception {
        try (ModelStore client = TestStores.open(temp.resolve("client1"), server.url())) {
            Resolution whole = client.resolve("hf://org/tiny");
            assertThat(Files.readAllBytes(whole.path().resolve("weights/model.bin"))).isEqualTo(weights.bytes());
            assertThat(Files.readString(whole.path().resolve("config.json"))).isEqualTo("{}\n");
        }
        assertThat(mirrorRoot.resolve("hub/models--org--tiny/trees/" + commit + ".json")).exists();
        upstream.clearRequests();
        try (ModelStore client = TestStores.open(temp.resolve("client2"), server.url())) {
            assertThat(Files.readString(client.resolve("hf://org/tiny").path().resolve("config.json")))
                    .isEqualTo("{}\n");
        }
        assertThat(upstream.requests()).as("the second client is served from the mirror's store").isEmpty();
    }

    @Test
    void whatUpstreamDoesNotHaveIsRefusedWithItsErrorCode() throws Exception {
        HttpResponse<byte[]> repo = get("/org/none/resolve/main/config.json");
        assertThat(repo.statusCode()).isEqualTo(404);
        assertThat(repo.headers().firstValue("X-Error-Code")).contains("RepoNotFound");

        HttpResponse<byte[]> revision = get("/api/models/org/tiny/revision/v2");
        assertThat(revision.statusCode()).isEqualTo(404);
        assertThat(revision.headers().firstValue("X-Error-Code")).contains("RevisionNotFound");

        HttpResponse<byte[]> entry = get("/org/tiny/resolve/main/nope.bin");
        assertThat(entry.statusCode()).isEqualTo(404);
        assertThat(entry.headers().firstValue("X-Error-Code")).contains("EntryNotFound");
        assertThat(entry.headers().firstValue("X-Repo-Commit")).contains(commit);

        upstream.clearRequests();
        HttpResponse<byte[]> again = get("/org/tiny/resolve/" + commit + "/nope.bin");
        assertThat(again.headers().firstValue("X-Error-Code")).contains("EntryNotFound");
        assertThat(upstream.requests()).as("the store's .no_exist marker answers").isEmpty();
    }
}
