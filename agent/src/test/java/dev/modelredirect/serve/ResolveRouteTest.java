package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.store.ModelStore;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.TestStores;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link ResolveRoute} through a {@link HubServer}: file bytes with the Hub's headers, revisions, ranges, refusals,
 * safety, many clients.
 */
class ResolveRouteTest extends ServedStore {
    @Test
    void aSmallFileIsServedWithTheHubsHeadersAndItsGitBlobIdAsEtag() throws Exception {
        for (String method : List.of("HEAD", "GET")) {
            HttpResponse<byte[]> response = send(method, "/org/tiny/resolve/main/config.json");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(header(response, "X-Repo-Commit")).isEqualTo(commit);
            assertThat(header(response, "ETag")).isEqualTo("\"" + Content.of(CONFIG).gitSha1() + "\"");
            assertThat(header(response, "X-Linked-Etag")).isNull();
            assertThat(header(response, "X-Linked-Size")).isNull();
            assertThat(header(response, "Content-Length")).isEqualTo(String.valueOf(CONFIG.length()));
            assertThat(header(response, "Accept-Ranges")).isEqualTo("bytes");
            assertThat(header(response, "Content-Type")).isEqualTo("application/octet-stream");
            assertThat(text(response)).isEqualTo(method.equals("GET") ? CONFIG : "");
        }
    }

    @Test
    void anLfsFileCarriesItsSha256AsEtagAndLinkedEtagAndItsSizeAsLinkedSize() throws Exception {
        HttpResponse<byte[]> head = send("HEAD", "/org/tiny/resolve/" + commit + "/weights/model.bin");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(header(head, "X-Repo-Commit")).isEqualTo(commit);
        assertThat(header(head, "ETag")).isEqualTo("\"" + weights.sha256() + "\"");
        assertThat(header(head, "X-Linked-Etag")).isEqualTo("\"" + weights.sha256() + "\"");
        assertThat(header(head, "X-Linked-Size")).isEqualTo("300000");
        assertThat(header(head, "Content-Length")).isEqualTo("300000");

        HttpResponse<byte[]> get = send("GET", "/org/tiny/resolve/main/weights/model.bin");
        assertThat(get.body()).isEqualTo(weights.bytes());
    }

    @Test
    void aRawUrlServesTheSameBytesAsItsResolveTwin() throws Exception {
        HttpResponse<byte[]> raw = send("GET", "/org/tiny/raw/main/weights/model.bin");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo(weights.bytes());
        assertThat(text(send("GET", "/org/tiny/raw/" + commit + "/tokenizer/vocab.txt"))).isEqualTo("a\nb\nc\n");
    }

    @Test
    void aRevisionIsABranchACommitOrAPercentEncodedRefAndDatasetsHaveTheirPrefix() throws Exception {
        assertThat(send("GET", "/org/tiny/resolve/refs%2Fpr%2F1/config.json").statusCode()).isEqualTo(200);
        assertThat(text(send("GET", "/org/tiny/resolve/" + commit + "/tokenizer/vocab.txt"))).isEqualTo("a\nb\nc\n");
        HttpResponse<byte[]> data = send("GET", "/datasets/org/data/resolve/main/data.csv");
        assertThat(data.statusCode()).isEqualTo(200);
        assertThat(text(data)).isEqualTo("x,y\n1,2\n");
        assertThat(send("GET", "/org/data/resolve/main/data.csv").statusCode()).isEqualTo(404);
    }

    @Test
    void missesAreRefusedWithTheHubsErrorCodes() throws Exception {
        HttpResponse<byte[]> repo = send("GET", "/org/nothing/resolve/main/config.json");
        assertThat(repo.statusCode()).isEqualTo(404);
        assertThat(header(repo, "X-Error-Code")).isEqualTo("RepoNotFound");
        assertThat(header(repo, "X-Error-Message")).isNotBlank();

        HttpResponse<byte[]> revision = send("HEAD", "/org/tiny/resolve/v9/config.json");
        assertThat(revision.statusCode()).isEqualTo(404);
        assertThat(header(revision, "X-Error-Code")).isEqualTo("RevisionNotFound");

        HttpResponse<byte[]> unknownCommit = send("GET", "/org/tiny/resolve/" + "ab".repeat(20) + "/config.json");
        assertThat(header(unknownCommit, "X-Error-Code")).isEqualTo("RevisionNotFound");

        HttpResponse<byte[]> entry = send("GET", "/org/tiny/resolve/main/missing.bin");
        assertThat(entry.statusCode()).isEqualTo(404);
        assertThat(header(entry, "X-Error-Code")).isEqualTo("EntryNotFound");
        assertThat(header(entry, "X-Repo-Commit")).isEqualTo(commit);

        HttpResponse<byte[]> folder = send("GET", "/org/tiny/resolve/main/weights");
        assertThat(header(folder, "X-Error-Code")).isEqualTo("EntryNotFound");

        HttpResponse<byte[]> method = send("DELETE", "/org/tiny/resolve/main/config.json");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(header(method, "Allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void aSingleRangeIsAnswered206WithItsContentRange() throws Exception {
        byte[] all = weights.bytes();
        String path = "/org/tiny/resolve/main/weights/model.bin";

        HttpResponse<byte[]> middle = send("GET", path, "Range", "bytes=1000-1999");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(header(middle, "Content-Range")).isEqualTo("bytes 1000-1999/300000");
        assertThat(header(middle, "Content-Length")).isEqualTo("1000");
        assertThat(middle.body()).isEqualTo(java.util.Arrays.copyOfRange(all, 1000, 2000));

        HttpResponse<byte[]> open = send("GET", path, "Range", "bytes=299990-");
        assertThat(header(open, "Content-Range")).isEqualTo("bytes 299990-299999/300000");
        assertThat(open.body()).isEqualTo(java.util.Arrays.copyOfRange(all, 299990, 300000));

        HttpResponse<byte[]> suffix = send("GET", path, "Range", "bytes=-5");
        assertThat(header(suffix, "Content-Range")).isEqualTo("bytes 299995-299999/300000");
        assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(all, 299995, 300000));

        HttpResponse<byte[]> pastEnd = send("GET", path, "Range", "bytes=299999-400000");
        assertThat(header(pastEnd, "Content-Range")).isEqualTo("bytes 299999-299999/300000");

        HttpResponse<byte[]> first = send("HEAD", path, "Range", "bytes=0-0");
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(header(first, "Content-Length")).isEqualTo("1");

        HttpResponse<byte[]> several = send("GET", path, "Range", "bytes=0-1,5-6");
        assertThat(several.statusCode()).as("several ranges: the whole file").isEqualTo(200);
        assertThat(several.body()).hasSize(300_000);

        HttpResponse<byte[]> staleIfRange = send("GET", path, "Range", "bytes=0-1", "If-Range", "\"other\"");
        assertThat(staleIfRange.statusCode()).isEqualTo(200);
    }

    @Test
    void aRangeBeyondTheEndIsAnswered416WithTheSize() throws Exception {
        for (String range : List.of("bytes=300000-", "bytes=500000-600000", "bytes=-0")) {
            HttpResponse<byte[]> response = send("GET", "/org/tiny/resolve/main/weights/model.bin", "Range", range);
            assertThat(response.statusCode()).as(range).isEqualTo(416);
            assertThat(header(response, "Content-Range")).as(range).isEqualTo("bytes */300000");
        }
    }


    @Test
    void traversalAttemptsAreRefusedAndNeverAnswerAFile() throws Exception {
        Files.writeString(temp.resolve("secret.txt"), "SECRET");
        Files.writeString(store.resolve("hub/secret.txt"), "SECRET");
        List<String> attempts = List.of(
                "/org/tiny/resolve/main/../../../../../secret.txt",
                "/org/tiny/resolve/main/../../../secret.txt",
                "/org/tiny/resolve/main/%2e%2e/%2e%2e/%2e%2e/secret.txt",
                "/org/tiny/resolve/main/%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.txt",
                "/org/tiny/resolve/main/weights%2f..%2f..%2f..%2fsecret.txt",
                "/org/tiny/resolve/main/..%5c..%5c..%5csecret.txt",
                "/org/tiny/resolve/main/%2f" + temp.resolve("secret.txt").toString().substring(1)
                        .replace("/", "%2f"),
                "/org/tiny/resolve/main/" + temp.resolve("secret.txt").toString().substring(1),
                "/org/tiny/resolve/main//" + temp.resolve("secret.txt"),
                "/org/tiny/resolve/%2e%2e%2f%2e%2e%2f%2e%2e/secret.txt",
                "/org/tiny/resolve/..%2f..%2f..%2f..%2fsecret.txt/x",
                "/org/%2e%2e/resolve/main/secret.txt",
                "/%2e%2e/%2e%2e/resolve/main/secret.txt",
                "/org/tiny/resolve/main/C:%5csecret.txt",
                "/org/tiny/resolve/main/secret.txt%00.json",
                "/api/models/org/tiny/tree/main/..%2f..%2f..",
                "/api/models/org/tiny/tree/..%2f..%2f..%2f..",
                "/api/models/org/tiny/revision/..%2f..%2f..%2fsecret.txt");
        for (String attempt : attempts) {
            assertThat(raw(attempt)).as(attempt).isIn(400, 404);
        }
    }

    @Test
    void aSymlinkPlantedInASnapshotThatLeadsOutsideTheRepositoryIsNeverFollowed() throws Exception {
        Path secret = Files.writeString(temp.resolve("secret.txt"), "SECRET");
        Path snapshot = store.resolve("hub/models--org--tiny/snapshots/" + commit);
        Files.createSymbolicLink(snapshot.resolve("leak.txt"), secret);
        Files.createSymbolicLink(snapshot.resolve("lock.json"), Path.of("../../../../models.lock"));
        Files.createSymbolicLink(snapshot.resolve("tokenizer/up"), Path.of("../../../../../.."));
        for (String path : List.of("leak.txt", "lock.json", "tokenizer/up/secret.txt")) {
            HttpResponse<byte[]> response = send("GET", "/org/tiny/resolve/main/" + path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(text(response)).doesNotContain("SECRET").doesNotContain("\"version\"");
        }
        String tree = text(send("GET", "/api/models/org/tiny/tree/main?recursive=true"));
        assertThat(tree).doesNotContain("leak.txt").doesNotContain("lock.json").doesNotContain("up");
        String info = text(send("GET", "/api/models/org/tiny/revision/main"));
        assertThat(info).doesNotContain("leak.txt");
    }

    @Test
    void sixteenConcurrentClientsDownloadingTheSameLargeFileGetCorrectBytes() throws Exception {
        Content large = Content.synthetic(24L << 20, 11);
        hub.model("org/large").lfs("model.bin", large);
        try (ModelStore filler = TestStores.open(store, hub.endpoint())) {
            filler.resolve("hf://org/large");
        }
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> hashes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                hashes.add(clients.submit(() -> {
                    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                            URI.create(server.url() + "/org/large/resolve/main/model.bin")).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    byte[] buffer = new byte[1 << 16];
                    try (InputStream in = response.body()) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            digest.update(buffer, 0, n);
                        }
                    }
                    return response.statusCode() + " " + HexFormat.of().formatHex(digest.digest());
                }));
            }
            for (Future<String> hash : hashes) {
                assertThat(hash.get()).isEqualTo("200 " + large.sha256());
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
