package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
    @TempDir
    Path work;

    FakeHub hub;
    Path store;

    @BeforeEach
    void pullATinyRepository() throws Exception {
        hub = new FakeHub();
        hub.model("org/tiny").file("config.json", "{}").lfs("model.bin", Content.synthetic(3000, 2));
        store = work.resolve("store");
        CliOutcome pull = CliOutcome.of("pull", "hf://org/tiny", "--store", store.toString(), "--endpoint", hub.endpoint());
        assertThat(pull.code).as(pull.toString()).isZero();
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void exportWritesTheArchiveAndSaysWhatIsInIt() {
        Path tar = work.resolve("tiny.tar");
        CliOutcome run = CliOutcome.of("export", "hf://org/tiny", "-o", tar.toString(), "--store", store.toString());

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out).isEqualTo("exported 1 source (2 files, " + dev.modelredirect.log.Sizes.human(3002) + ") to " + tar + "\n  hf://org/tiny\n");
        assertThat(tar).isRegularFile();
    }

    @Test
    void withoutSourcesEveryPinnedSourceIsExportedAndJsonSaysSo() {
        Path tar = work.resolve("all.tar");
        CliOutcome run = CliOutcome.of("export", "--output", tar.toString(), "--store", store.toString(), "--json");

        assertThat(run.code).as(run.toString()).isZero();
        Map<String, Object> json = Json.parseObject(run.out);
        assertThat(json).containsEntry("archive", tar.toString()).containsEntry("sources", List.of("hf://org/tiny"))
                .containsEntry("files", 2L);
    }

    @Test
    void aSourceNotInTheStoreExitsOneNamingPull() {
        CliOutcome run = CliOutcome.of("export", "hf://org/absent", "-o", work.resolve("x.tar").toString(), "--store",
                store.toString());

        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains("hf://org/absent is not in the store")
                .contains("java -jar model-redirect.jar pull hf://org/absent");
        assertThat(work.resolve("x.tar")).doesNotExist();
        assertThat(hub.requests().stream().filter(r -> r.path().contains("absent"))).isEmpty();
    }

    @Test
    void withoutOutputItIsAUsageError() {
        CliOutcome run = CliOutcome.of("export", "hf://org/tiny", "--store", store.toString());
        assertThat(run.code).isEqualTo(2);
        assertThat(run.err).contains("needs -o FILE.tar");
        assertThat(CliOutcome.of("export", "--help").out).contains("-o, --output FILE");
    }
}
