package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.hub.GitObjects;
import dev.modelredirect.json.Json;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubServer} over a store filled from {@link FakeHub}: the protocol, ranges, safety, and many clients. */
class ServerTest {
    static final String CONFIG = "{\"hidden_size\": 8}\n";

    @TempDir
    Path temp;

    FakeHub hub;
    FakeHub.Repo repo;
    Content weights = Content.synthetic(300_000, 7);
    Content vocab = Content.of("a\nb\nc\n");
    Path store;
    String commit;
    HubServer server;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void fillAStoreFromTheFakeHubAndServeIt() throws Exception {
        hub = new FakeHub();
        repo = hub.model("org/tiny").file("config.json", CONFIG).lfs("weights/model.bin", weights)
                .file("tokenizer/vocab.txt", vocab, false).branch("refs/pr/1");
        commit = repo.commit();
        hub.dataset("org/data").file("data.csv", "x,y\n1,2\n");
        store = temp.resolve("store");
        try (ModelStore filler = TestStores.open(store, hub.endpoint())) {
            filler.resolve("hf://org/tiny");
            filler.resolve("hf://org/tiny@refs%2Fpr%2F1/config.json");
            filler.resolve("hf://datasets/org/data");
        }
        server = HubServer.start(HubServer.Options.loopback(store));
    }

    @AfterEach
    void stop() {
        server.close();
        hub.close();
    }

    HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> array(HttpResponse<byte[]> response) {
        return (List<Map<String, Object>>) Json.parse(text(response));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    static List<Object> paths(List<Map<String, Object>> entries) {
        return entries.stream().map(e -> e.get("path")).toList();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static String pointerOid(Content content) {
        return GitObjects.blobId(("version https://git-lfs.github.com/spec/v1\noid sha256:" + content.sha256()
                + "\nsize " + content.size() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    // ---------------------------------------------------------------- protocol

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

    // ---------------------------------------------------------------- ranges

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

    // ---------------------------------------------------------------- APIs

    @Test
    void theRevisionApiNamesTheCommitAndEveryFile() throws Exception {
        HttpResponse<byte[]> response = send("GET", "/api/models/org/tiny/revision/main?expand=sha");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> info = Json.parseObject(text(response));
        assertThat(info).containsEntry("id", "org/tiny").containsEntry("sha", commit);
        assertThat(((List<?>) info.get("siblings")).stream().map(e -> object(e).get("rfilename")).toList())
                .containsExactly("config.json", "tokenizer/vocab.txt", "weights/model.bin");
        assertThat(Json.parseObject(text(send("GET", "/api/models/org/tiny")))).containsEntry("sha", commit);
        assertThat(Json.parseObject(text(send("GET", "/api/datasets/org/data/revision/main"))))
                .containsEntry("id", "org/data");
        assertThat(header(send("GET", "/api/models/org/tiny/revision/nope"), "X-Error-Code"))
                .isEqualTo("RevisionNotFound");
    }

    @Test
    void theTreeApiListsFilesWithGitAndLfsIdsAndFoldersAndPagesWithALinkHeader() throws Exception {
        List<Map<String, Object>> root = array(send("GET", "/api/models/org/tiny/tree/main"));
        assertThat(paths(root)).containsExactly("config.json", "tokenizer", "weights");
        List<Map<String, Object>> all = array(send("GET", "/api/models/org/tiny/tree/main?recursive=true"));
        assertThat(paths(all)).containsExactly("config.json", "tokenizer",
                "tokenizer/vocab.txt", "weights", "weights/model.bin");
        Map<String, Object> lfs = all.get(4);
        assertThat(lfs.get("type")).isEqualTo("file");
        assertThat(lfs.get("size")).isEqualTo(300_000L);
        assertThat(lfs.get("oid")).as("the git blob id the Hub gave, in trees/COMMIT.json")
                .isEqualTo(FakeHub.sha1Hex("pointer " + weights.sha256()));
        assertThat(object(lfs.get("lfs"))).containsEntry("oid", weights.sha256()).containsEntry("size", 300_000L)
                .containsKey("pointerSize");
        Map<String, Object> small = all.get(0);
        assertThat(small.get("oid")).isEqualTo(Content.of(CONFIG).gitSha1());
        assertThat(small.containsKey("lfs")).isFalse();
        assertThat(all.get(1).get("type")).isEqualTo("directory");

        List<Map<String, Object>> sub = array(send("GET", "/api/models/org/tiny/tree/" + commit + "/weights"));
        assertThat(paths(sub)).containsExactly("weights/model.bin");
        assertThat(header(send("GET", "/api/models/org/tiny/tree/main/nope"), "X-Error-Code"))
                .isEqualTo("EntryNotFound");

        Path trees = store.resolve("hub/models--org--tiny/trees");
        try (var files = Files.list(trees)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Map<String, Object> computed = array(send("GET", "/api/models/org/tiny/tree/main/weights")).get(0);
        assertThat(computed.get("oid")).as("without trees/COMMIT.json: the git blob id of the LFS pointer")
                .isEqualTo(pointerOid(weights));
        assertThat(object(computed.get("lfs")).get("pointerSize")).isEqualTo((long) ("version "
                + "https://git-lfs.github.com/spec/v1\noid sha256:" + weights.sha256() + "\nsize 300000\n").length());

        server.close();
        server = HubServer.start(HubServer.Options.loopback(store).withPageSize(2));
        List<Object> paged = new ArrayList<>();
        String next = server.url() + "/api/models/org/tiny/tree/main?recursive=true";
        int pages = 0;
        while (next != null) {
            HttpResponse<byte[]> page = http.send(HttpRequest.newBuilder(URI.create(next)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            paged.addAll(array(page));
            pages++;
            String link = header(page, "Link");
            next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
            if (link != null) {
                assertThat(link).startsWith("<http://").endsWith(">; rel=\"next\"");
            }
        }
        assertThat(pages).isEqualTo(3);
        assertThat(paths(paged.stream().map(ServerTest::object).toList())).isEqualTo(paths(all));
    }

    @Test
    void pathsInfoAnswersJsonAndFormRequestsWithTheLastCommit() throws Exception {
        HttpResponse<byte[]> json = post("/api/models/org/tiny/paths-info/main", "application/json",
                "{\"paths\":[\"weights/model.bin\",\"nope\",\"tokenizer\"],\"expand\":true}");
        assertThat(json.statusCode()).isEqualTo(200);
        List<Map<String, Object>> entries = array(json);
        assertThat(paths(entries)).containsExactly("weights/model.bin",
                "tokenizer");
        Map<String, Object> file = entries.get(0);
        assertThat(object(file.get("lfs"))).containsEntry("oid", weights.sha256());
        assertThat(object(file.get("lastCommit"))).containsEntry("id", commit).containsKey("date");

        HttpResponse<byte[]> form = post("/api/models/org/tiny/paths-info/" + commit,
                "application/x-www-form-urlencoded", "paths=config.json&paths=tokenizer%2Fvocab.txt&expand=False");
        List<Map<String, Object>> formEntries = array(form);
        assertThat(paths(formEntries)).containsExactly("config.json",
                "tokenizer/vocab.txt");
        assertThat(formEntries.get(0).containsKey("lastCommit")).isFalse();
        assertThat(send("GET", "/api/models/org/tiny/paths-info/main").statusCode()).isEqualTo(405);
    }

    // ---------------------------------------------------------------- safety

    /** Sends a raw request line, so that no client normalizes the path; the status code. */
    int raw(String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).as(target).doesNotContain("SECRET");
            return Integer.parseInt(response.substring(9, 12));
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

    // ---------------------------------------------------------------- clients

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

    @Test
    void ourOwnDownloaderPullsAWholeRepositoryAndSingleFilesThroughItAndThenHits() throws Exception {
        server.close();
        server = HubServer.start(HubServer.Options.loopback(store).withPageSize(2));
        Path client = temp.resolve("client");
        try (ModelStore downloader = TestStores.open(client, server.url())) {
            Resolution whole = downloader.resolve("hf://org/tiny");
            assertThat(whole.hit()).isFalse();
            assertThat(whole.path()).isEqualTo(client.resolve("hub/models--org--tiny/snapshots/" + commit));
            assertThat(Files.readAllBytes(whole.path().resolve("weights/model.bin"))).isEqualTo(weights.bytes());
            assertThat(Files.readString(whole.path().resolve("config.json"))).isEqualTo(CONFIG);
            assertThat(sha256(Files.readAllBytes(client.resolve("hub/models--org--tiny/blobs/" + weights.sha256()))))
                    .isEqualTo(weights.sha256());

            Resolution one = downloader.resolve("hf://datasets/org/data/data.csv");
            assertThat(Files.readString(one.path())).isEqualTo("x,y\n1,2\n");
            Resolution pr = downloader.resolve("hf://org/tiny@refs%2Fpr%2F1/config.json");
            assertThat(Files.readString(pr.path())).isEqualTo(CONFIG);
        }
        long requests = server.requests();
        try (ModelStore again = TestStores.open(client, server.url())) {
            assertThat(again.resolve("hf://org/tiny").hit()).isTrue();
            assertThat(again.resolve("hf://datasets/org/data/data.csv").hit()).isTrue();
        }
        assertThat(server.requests()).as("requests of the second pull").isEqualTo(requests);
    }
}
