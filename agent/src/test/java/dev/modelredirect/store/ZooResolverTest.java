package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.fetch.IntegrityException;
import dev.modelredirect.testing.TestStores;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooResolverTest {
    private static final String FOLDER = "model/nlp/text_embedding/ai/djl/g/org/name/";
    private static final String ARCHIVE = FOLDER + "0.0.1/name.zip";
    private static final byte[] BYTES = "the archive's bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;
    private final MockWebServer server = new MockWebServer();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serveTheRepository() throws Exception {
        files.put(ARCHIVE, BYTES);
        files.put(FOLDER + "metadata.json", ("{\"groupId\": \"ai.djl.g\", \"artifactId\": \"org/name\", \"artifacts\": ["
                + "{\"version\": \"0.0.1\", \"files\": {\"model\": {\"uri\": \"0.0.1/name.zip\", \"sha1Hash\": \""
                + sha1(BYTES) + "\", \"size\": " + BYTES.length + "}}}]}").getBytes(StandardCharsets.UTF_8));
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath().substring(1);
                asked.add(request.getMethod() + " " + path);
                byte[] bytes = files.get(path);
                return bytes == null ? new MockResponse.Builder().code(404).build()
                        : new MockResponse.Builder().body(new okio.Buffer().write(bytes)).build();
            }
        });
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private ModelStore store(boolean offline) {
        ModelStore.Options o = TestStores.options(root, "http://127.0.0.1:1");
        return new ModelStore(new ModelStore.Options(o.root(), o.lockfile(), o.endpoint(), o.token(), offline,
                o.retry(), o.downloads(), o.progress(), o.network(), List.of(), server.url("/").toString()));
    }

    private static ZooFile archive(String sha1) {
        return new ZooFile("djl://ai.djl.g/org/name", "ai.djl.g", "org/name", "nlp/text_embedding", "0.0.1",
                ARCHIVE, sha1, BYTES.length, false);
    }

    @Test
    void aMissIsDownloadedOncePinnedAndThenAHitAsksNothing() throws Exception {
        Resolution miss = store(false).zooFile(archive(sha1(BYTES)));
        assertThat(miss.hit()).isFalse();
        assertThat(Files.readAllBytes(miss.path())).isEqualTo(BYTES);
        assertThat(miss.path()).isEqualTo(root.resolve("zoo").resolve(ARCHIVE));
        Pin.Djl pin = (Pin.Djl) store(false).lockFile().get("djl://ai.djl.g/org/name");
        assertThat(pin.version()).isEqualTo("0.0.1");
        assertThat(pin.files()).extracting(PinnedFile::path).containsExactly("zoo/" + ARCHIVE);
        assertThat(pin.files().get(0).sha256()).isEqualTo(sha256(BYTES));
        int requests = asked.size();

        Resolution hit = store(true).zooFile(archive(sha1(BYTES)));
        assertThat(hit.hit()).isTrue();
        assertThat(asked).hasSize(requests);
    }

    @Test
    void bytesThatDoNotMatchTheSha1OfTheMetadataAreRefusedAndNothingIsStored() throws Exception {
        assertThatThrownBy(() -> store(false).zooFile(archive("0".repeat(40))))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("sha1 " + sha1(BYTES))
                .hasMessageContaining("nothing was stored");
        try (var left = Files.walk(root.resolve("zoo"))) {
            assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
        }
        assertThat(store(false).lockFile().get("djl://ai.djl.g/org/name")).isNull();
    }

    @Test
    void offlineAMissFailsNamingThePullCommandWithoutARequest() {
        assertThatThrownBy(() -> store(true).zooFile(archive(sha1(BYTES)))).isInstanceOf(StoreException.class)
                .hasMessageContaining("offline=true")
                .hasMessageContaining("pull djl://ai.djl.g/org/name");
        assertThat(asked).isEmpty();
    }

    @Test
    void anIndexTheEndpointLacksIsNoFailure() throws Exception {
        ZooFile index = new ZooFile("djl://ai.djl.g", "ai.djl.g", null, null, null,
                "model/nlp/fill_mask/ai/djl/g/models.json.gz", null, -1, true);
        assertThat(store(false).zooFile(index)).isNull();
        assertThat(store(true).zooFile(index)).isNull();
    }

    @Test
    void pullFindsTheApplicationFetchesTheVersionAndWhichAnswersWithoutConnecting() throws Exception {
        Resolution pulled = store(false).resolve("djl://ai.djl.g/org/name");
        assertThat(pulled.path()).isEqualTo(root.resolve("zoo").resolve(FOLDER.substring(0, FOLDER.length() - 1)));
        assertThat(Files.readAllBytes(root.resolve("zoo").resolve(ARCHIVE))).isEqualTo(BYTES);
        int requests = asked.size();
        assertThat(store(true).which("djl://ai.djl.g/org/name")).contains(pulled.path());
        assertThat(store(true).resolve("djl://ai.djl.g/org/name/0.0.1").hit()).isTrue();
        assertThat(asked).hasSize(requests);
    }

    @Test
    void aPullThatFailedAfterTheMetadataIsNoHitNextTime() throws Exception {
        byte[] archive = files.remove(ARCHIVE);
        assertThatThrownBy(() -> store(false).resolve("djl://ai.djl.g/org/name")).isInstanceOf(IOException.class);
        assertThat(root.resolve("zoo").resolve(FOLDER + "metadata.json")).exists();

        assertThat(store(true).which("djl://ai.djl.g/org/name")).isEmpty();
        assertThatThrownBy(() -> store(true).resolve("djl://ai.djl.g/org/name")).isInstanceOf(StoreException.class)
                .hasMessageContaining("offline=true");
        files.put(ARCHIVE, archive);
        Resolution pulled = store(false).resolve("djl://ai.djl.g/org/name");
        assertThat(pulled.hit()).isFalse();
        assertThat(Files.readAllBytes(root.resolve("zoo").resolve(ARCHIVE))).isEqualTo(BYTES);
        assertThat(store(true).which("djl://ai.djl.g/org/name")).contains(pulled.path());
    }

    @Test
    void pullUpdateMovesThePinToTheNewVersionAndKeepsOnlyItsFiles() throws Exception {
        store(false).resolve("djl://ai.djl.g/org/name");
        byte[] newer = "the new version's bytes".getBytes(StandardCharsets.UTF_8);
        files.put(FOLDER + "0.0.2/name.zip", newer);
        files.put(FOLDER + "metadata.json", ("{\"artifacts\": [{\"version\": \"0.0.1\", \"files\": {\"model\": "
                + "{\"uri\": \"0.0.1/name.zip\", \"sha1Hash\": \"" + sha1(BYTES) + "\"}}}, {\"version\": \"0.0.2\", "
                + "\"files\": {\"model\": {\"uri\": \"0.0.2/name.zip\", \"sha1Hash\": \"" + sha1(newer) + "\", "
                + "\"size\": " + newer.length + "}}}]}").getBytes(StandardCharsets.UTF_8));

        Update update = store(false).update("djl://ai.djl.g/org/name");

        assertThat(update.from()).isEqualTo("0.0.1");
        assertThat(update.to()).isEqualTo("0.0.2");
        assertThat(Files.readAllBytes(root.resolve("zoo").resolve(FOLDER + "0.0.2/name.zip"))).isEqualTo(newer);
        Pin.Djl pin = (Pin.Djl) store(false).lockFile().get("djl://ai.djl.g/org/name");
        assertThat(pin.version()).isEqualTo("0.0.2");
        assertThat(pin.files()).extracting(PinnedFile::path).containsExactly("zoo/" + FOLDER + "0.0.2/name.zip",
                "zoo/" + FOLDER + "metadata.json");
        assertThat(store(false).update("djl://ai.djl.g/org/name").changed()).isFalse();
        assertThatThrownBy(() -> store(true).update("djl://ai.djl.g/org/name")).hasMessageContaining("offline=true");
    }

    private static String sha1(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
