package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.log.Sizes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationReportTest {
    private static MigrationReport sample(boolean dryRun) {
        MigrationReport report = new MigrationReport("Hugging Face cache", "/c/hub", "/store", dryRun);
        report.imported("models--o--n/blobs/a", "hub/models--o--n/blobs/a", 3_000_000, FileLinker.How.LINKED);
        report.imported("models--o--n/blobs/b", "hub/models--o--n/blobs/b", 1_000, FileLinker.How.COPIED);
        report.alreadyPresent();
        report.pinned("hf://o/n@main");
        report.skipped("models--gpt2", "no organisation");
        report.note("a note");
        return report;
    }

    @Test
    void theTextStartsWithTheSummaryLineThenPinsSkipsAndNotes() {
        assertThat(sample(false).text()).isEqualTo("imported 2 files (" + Sizes.human(3_001_000) + ", 1 hard-linked, "
                + "1 copied) from the Hugging Face cache /c/hub into /store\n"
                + "already in the store: 1 file\n"
                + "pinned hf://o/n@main\n"
                + "skipped models--gpt2: no organisation\n"
                + "note: a note\n");
        assertThat(sample(true).text()).startsWith("would import 2 files").contains("would pin hf://o/n@main");
    }

    @Test
    void theJsonHasCountsAndEveryFileAndSkip() {
        Map<String, Object> json = Json.parseObject(Json.write(sample(false).toJson()));
        assertThat(json).containsEntry("files", 2L).containsEntry("bytes", 3_001_000L).containsEntry("hardLinked", 1L)
                .containsEntry("copied", 1L).containsEntry("alreadyPresent", 1L).containsEntry("dryRun", false)
                .containsEntry("pinned", List.of("hf://o/n@main"));
        assertThat(json.get("imported").toString()).contains("how=hard-linked").contains("how=copied");
        assertThat(json.get("skipped")).isEqualTo(List.of(Map.of("path", "models--gpt2", "reason",
                "no organisation")));
    }
}
