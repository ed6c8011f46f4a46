package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.archive.TarWriter;
import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import dev.modelredirect.testing.TreeSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {
    @TempDir
    Path work;

    FakeHub hub;
    Path tar;
    Path storeB;

    @BeforeEach
    void exportATinyRepository() throws Exception {
        hub = new FakeHub();
        hub.model("org/tiny").file("config.json", "{}").lfs("model.bin", Content.synthetic(3000, 2));
        Path storeA = work.resolve("a");
        assertThat(CliOutcome.of("pull", "hf://org/tiny", "--store", storeA.toString(), "--endpoint", hub.endpoint())
                .code).isZero();
        tar = work.resolve("tiny.tar");
        assertThat(CliOutcome.of("export", "hf://org/tiny", "-o", tar.toString(), "--store", storeA.toString()).code)
                .isZero();
        storeB = work.resolve("b");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void importPrintsWhatItAddedAndWhichIsThenAHitOffline() {
        CliOutcome run = CliOutcome.of("import", tar.toString(), "--store", storeB.toString(), "--offline");

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out).isEqualTo("imported 2 files (" + dev.modelredirect.log.Sizes.human(3002) + ") from " + tar + " into " + storeB
                + "; 0 already present\npinned hf://org/tiny\n");
        CliOutcome which = CliOutcome.of("which", "hf://org/tiny/model.bin", "--store", storeB.toString(), "--offline");
        assertThat(which.code).as(which.toString()).isZero();
    }

    @Test
    void importJsonSaysWhatWasPinned() {
        CliOutcome run = CliOutcome.of("import", tar.toString(), "--store", storeB.toString(), "--json");

        assertThat(run.code).as(run.toString()).isZero();
        Map<String, Object> json = Json.parseObject(run.out);
        assertThat(json).containsEntry("pinned", List.of("hf://org/tiny")).containsEntry("files", 2L)
                .containsEntry("store", storeB.toString());
    }

    @Test
    void anEscapingArchiveExitsOneWithTheEntryAndLeavesTheStoreAlone() throws Exception {
        Files.createDirectories(storeB);
        Files.writeString(storeB.resolve("models.lock"), "{\"version\":1,\"sources\":{}}");
        Map<String, String> before = TreeSnapshot.of(storeB);
        Path evil = work.resolve("evil.tar");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarWriter writer = new TarWriter(bytes)) {
            writer.file("models.lock", "{\"version\":1,\"sources\":{}}".getBytes(StandardCharsets.UTF_8));
            writer.file("hub/../../../outside.txt", "x".getBytes(StandardCharsets.UTF_8));
        }
        Files.write(evil, bytes.toByteArray());

        CliOutcome run = CliOutcome.of("import", evil.toString(), "--store", storeB.toString());

        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).startsWith("model-redirect: import failed: refused the archive " + evil
                + ": entry 'hub/../../../outside.txt'").contains("export");
        assertThat(TreeSnapshot.of(storeB)).isEqualTo(before);
    }

    @Test
    void aReadOnlyStoreIsNamed() throws Exception {
        Files.createDirectories(storeB);
        try (ReadOnlyMount mount = ReadOnlyMount.of(storeB)) {
            CliOutcome run = CliOutcome.of("import", tar.toString(), "--store", mount.path().toString());
            assertThat(run.code).isEqualTo(1);
            assertThat(run.err).contains("the store " + mount.path() + " is read-only, so nothing is imported");
        }
    }

    @Test
    void importTakesExactlyOneArchive() {
        assertThat(CliOutcome.of("import", "--store", storeB.toString()).code).isEqualTo(2);
        CliOutcome missing = CliOutcome.of("import", work.resolve("none.tar").toString(), "--store", storeB.toString());
        assertThat(missing.code).isEqualTo(1);
        assertThat(missing.err).contains("no such file");
        assertThat(storeB).doesNotExist();
    }
}
