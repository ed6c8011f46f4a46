package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListCommandTest {
    @TempDir
    Path store;

    FakeHub hub;
    CliRun cli = new CliRun();

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        hub.model("org/tiny").file("config.json", "{}").lfs("model.bin", Content.synthetic(3000, 2));
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private void pull(String source) {
        assertThat(cli.run("pull", source, "--store", store.toString(), "--endpoint", hub.endpoint()))
                .as(cli.err()).isZero();
    }

    @Test
    void listShowsATableOfPinnedSourcesAndUnpinnedRepositoriesWithTotals() throws Exception {
        pull("hf://org/tiny");
        Path other = store.resolve("hub/models--someone--cached/blobs/abc");
        Files.createDirectories(other.getParent());
        Files.writeString(other, "cached by the Python client");
        assertThat(cli.run("list", "--store", store.toString())).isZero();
        List<String> lines = cli.out().lines().toList();
        assertThat(lines.get(0)).matches("SOURCE +REVISION +FILES +SIZE +LAST USE");
        assertThat(lines.get(1)).startsWith("hf://org/tiny ").contains(hub.model("org/tiny").commit()
                .substring(0, 12)).contains(" 2 ").contains("2.9 KiB").matches(".* \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$");
        assertThat(lines.get(2)).startsWith("hf://someone/cached * ").endsWith("-");
        assertThat(lines.get(3)).startsWith("2 sources, 2 files, ").contains("on disk (" + store + ")");
        assertThat(lines.get(4)).startsWith("* in the store but not pinned in models.lock");
    }

    @Test
    void listAsJsonHasEveryFieldAndTotals() {
        pull("hf://org/tiny/config.json");
        assertThat(cli.run("list", "--store", store.toString(), "--json")).isZero();
        Map<String, Object> result = Json.parseObject(cli.out());
        assertThat(result).containsEntry("store", store.toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sources = (List<Map<String, Object>>) result.get("sources");
        assertThat(sources).singleElement().satisfies(s -> assertThat(s)
                .containsEntry("source", "hf://org/tiny/config.json").containsEntry("pinned", true)
                .containsEntry("kind", "hub").containsEntry("files", 1L).containsEntry("bytes", 2L)
                .containsKey("lastUse"));
        assertThat(result.get("totals")).isEqualTo(Map.of("sources", 1L, "files", 1L, "bytes", 2L,
                "bytesOnDisk", ((Map<?, ?>) result.get("totals")).get("bytesOnDisk")));
    }

    @Test
    void anEmptyStoreSaysHowToAddASource() {
        assertThat(cli.run("list", "--store", store.toString())).isZero();
        assertThat(cli.out()).contains("holds no sources").contains("pull SOURCE");
    }

    @Test
    void aReadOnlyStoreIsListedAndNotWritten() throws Exception {
        pull("hf://org/tiny");
        try (ReadOnlyMount mount = ReadOnlyMount.of(store)) {
            assertThat(cli.run("list", "--store", mount.path().toString())).as(cli.err()).isZero();
            assertThat(cli.out()).contains("hf://org/tiny ");
        }
    }

    @Test
    void listHasHelpAndRefusesASource() {
        assertThat(cli.run("list", "--help")).isZero();
        assertThat(cli.out()).contains("Usage: java -jar model-redirect.jar list").contains("LAST USE");
        assertThat(cli.run("list", "hf://org/tiny")).isEqualTo(2);
        assertThat(cli.err()).startsWith("model-redirect: 'list' takes no SOURCE");
    }
}
