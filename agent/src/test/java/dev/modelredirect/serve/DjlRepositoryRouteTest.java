package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DjlRepositoryRoute} behind a real {@link HubServer}: the store's zoo folder as DJL's repository. */
class DjlRepositoryRouteTest {
    private static final String METADATA = "model/nlp/text_embedding/ai/djl/g/org/name/metadata.json";
    private static final String ARCHIVE = "model/nlp/text_embedding/ai/djl/g/org/name/0.0.1/name.zip";

    @TempDir
    Path temp;
    Path store;
    HubServer server;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void serveAStoreWithAZooModel() throws Exception {
        store = temp.resolve("store");
        Path zoo = store.resolve("zoo");
        Files.createDirectories(zoo.resolve(ARCHIVE).getParent());
        Files.writeString(zoo.resolve(METADATA), "{\"artifacts\": []}");
        Files.writeString(zoo.resolve(ARCHIVE), "0123456789");
        Files.writeString(zoo.resolve(ARCHIVE).resolveSibling(".name.zip.p1-ab.incomplete"), "partial");
        Files.writeString(store.resolve("models.lock"), "{\"version\": 1, \"sources\": {}}");
        server = HubServer.start(HubServer.Options.loopback(store));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void storedFilesAreServedUnderTheirRepositoryPathsAsDjlAsksThem() throws Exception {
        assertThat(get("/" + METADATA.replace("name/metadata.json", "name//metadata.json")).body())
                .isEqualTo("{\"artifacts\": []}");
        HttpResponse<String> whole = get("/" + ARCHIVE);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo("0123456789");
        HttpResponse<String> part = get("/" + ARCHIVE, "Range", "bytes=2-4");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo("234");
    }

    @Test
    void whatTheStoreLacksIsA404AndNothingOutsideTheZooFolderOrPartialIsServed() throws Exception {
        assertThat(get("/model/nlp/text_embedding/ai/djl/g/other/metadata.json").statusCode()).isEqualTo(404);
        assertThat(get("/model/nlp/text_embedding/ai/djl/g/org/name/0.0.1/.name.zip.p1-ab.incomplete")
                .statusCode()).isIn(400, 404);
        assertThat(rawStatus("/model/../models.lock")).isIn(400, 404);
        assertThat(rawStatus("/model/%2e%2e/%2e%2e/models.lock")).isIn(400, 404);
    }

    /** The status line of a request sent as raw bytes, so no client normalises the path first. */
    private int rawStatus(String path) throws Exception {
        URI base = URI.create(server.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
