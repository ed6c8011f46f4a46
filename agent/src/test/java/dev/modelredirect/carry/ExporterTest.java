package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.archive.TarReader;
import dev.modelredirect.json.Json;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.StoreException;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterTest {
    @TempDir
    Path work;

    FakeHub hub;
    String commit;
    Content weights = Content.synthetic(200_000, 5);
    ModelStore store;

    @BeforeEach
    void pullATinyRepository() throws IOException {
        hub = new FakeHub();
        commit = hub.model("org/tiny").file("config.json", "{}").lfs("weights/model.bin", weights).commit();
        try (ModelStore online = TestStores.open(work.resolve("a"), hub.endpoint())) {
            online.resolve("hf://org/tiny");
            online.resolve("hf://org/tiny/config.json");
        }
        store = TestStores.offline(work.resolve("a"), hub.endpoint());
    }

    @AfterEach
    void close() {
        store.close();
        hub.close();
    }

    private static List<String> listing(Path tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(tar)) {
            TarReader reader = new TarReader(in);
            TarReader.Entry entry;
            while ((entry = reader.next()) != null) {
                names.add(entry.type() == '2' ? entry.name() + " -> " + entry.linkName() : entry.name());
            }
        }
        return names;
    }

    @Test
    void anArchiveHoldsThePinsFirstThenTheStoreLayoutInNameOrderAndIsTheSameEachTime() throws IOException {
        Path first = work.resolve("one.tar");
        Exporter.Result result = new Exporter(store).export(List.of("hf://org/tiny"), first);
        Path second = work.resolve("two.tar");
        new Exporter(store).export(List.of("hf://org/tiny"), second);

        String repo = "hub/models--org--tiny/";
        String config = FakeHub.sha1Hex("blob 2\0{}");
        List<String> blobs = new ArrayList<>(List.of(repo + "blobs/" + config, repo + "blobs/" + weights.sha256()));
        java.util.Collections.sort(blobs);
        List<String> expected = new ArrayList<>(List.of("models.lock"));
        expected.addAll(blobs);
        expected.addAll(List.of(repo + "refs/main",
                repo + "snapshots/" + commit + "/config.json -> ../../blobs/" + config,
                repo + "snapshots/" + commit + "/weights/model.bin -> ../../../blobs/" + weights.sha256(),
                repo + "trees/" + commit + ".json"));
        assertThat(listing(first)).containsExactlyElementsOf(expected);
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        assertThat(result.files()).isEqualTo(2);
        assertThat(result.bytes()).isEqualTo(2 + weights.size());
        assertThat(result.sources()).containsExactly("hf://org/tiny");
    }

    @Test
    void theLockFragmentHoldsOnlyTheExportedSources() throws IOException {
        Path tar = work.resolve("one.tar");
        new Exporter(store).export(List.of("hf://org/tiny/config.json"), tar);
        try (InputStream in = Files.newInputStream(tar)) {
            TarReader reader = new TarReader(in);
            assertThat(reader.next().name()).isEqualTo("models.lock");
            Map<String, Object> lock = Json.parseObject(new String(reader.data().readAllBytes(),
                    StandardCharsets.UTF_8));
            assertThat(new ArrayList<Object>(((Map<?, ?>) lock.get("sources")).keySet()))
                    .containsExactly("hf://org/tiny/config.json");
        }
        assertThat(listing(tar)).noneMatch(name -> name.contains(weights.sha256()))
                .as("the file list of the whole snapshot stays home").noneMatch(name -> name.contains("/trees/"));
    }

    @Test
    void aSourceNotInTheStoreFailsNamingPullAndWritesNothing() {
        Path tar = work.resolve("x.tar");
        assertThatThrownBy(() -> new Exporter(store).export(List.of("hf://org/other"), tar))
                .isInstanceOf(StoreException.class).hasMessageContaining("hf://org/other is not in the store")
                .hasMessageContaining("pull hf://org/other");
        assertThat(tar).doesNotExist();
    }

    @Test
    void anUnpinnedSourceTheStoreHasIsPinnedOnTheWayWithoutAnyRequest() throws IOException {
        Files.delete(work.resolve("a/models.lock"));
        hub.clearRequests();
        Path tar = work.resolve("x.tar");

        Exporter.Result result = new Exporter(store).export(List.of("hf://org/tiny"), tar);

        assertThat(result.files()).isEqualTo(2);
        assertThat(store.lockFile().get("hf://org/tiny")).isNotNull();
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void anOnlineStoreIsNotAccepted() {
        try (ModelStore online = TestStores.open(work.resolve("a"), hub.endpoint())) {
            assertThatThrownBy(() -> new Exporter(online)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aCorruptedStoredFileStopsTheExportAndNoArchiveIsLeft() throws IOException {
        Path blob = work.resolve("a/hub/models--org--tiny/blobs/" + weights.sha256());
        byte[] bad = weights.bytes();
        bad[10] ^= 1;
        Files.write(blob, bad);
        Path tar = work.resolve("x.tar");
        assertThatThrownBy(() -> new Exporter(store).export(List.of(), tar)).isInstanceOf(StoreException.class)
                .hasMessageContaining("does not match its pin").hasMessageContaining("verify --repair");
        try (var files = Files.list(work)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a");
        }
    }

    @Test
    void aUrlSourceTravelsWithItsIntegrityRecord() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().body("plain model").setHeader("ETag", "\"v1\"").build();
                }
            });
            server.start(java.net.InetAddress.getLoopbackAddress(), 0);
            String url = server.url("/models/m.onnx").toString();
            try (ModelStore online = TestStores.open(work.resolve("a"), hub.endpoint())) {
                online.resolve(url);
            }
            Path tar = work.resolve("u.tar");
            new Exporter(store).export(List.of(url), tar);
            String host = "url/" + server.url("/").host() + "_" + server.getPort() + "/models/";
            assertThat(listing(tar)).containsExactly("models.lock", host + "m.onnx", host + "m.onnx.meta.json");
        }
    }
}
