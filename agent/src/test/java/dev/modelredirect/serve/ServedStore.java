package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;


import dev.modelredirect.hub.GitObjects;
import dev.modelredirect.json.Json;
import dev.modelredirect.store.ModelStore;
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
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A store filled from {@link FakeHub} and served by a {@link HubServer} on loopback, for the route tests; helpers. */
abstract class ServedStore {
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
}
