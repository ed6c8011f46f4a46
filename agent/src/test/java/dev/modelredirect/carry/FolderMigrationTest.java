package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderMigrationTest {
    @TempDir
    Path work;

    private MigrationReport copy(Path from, Path to) throws IOException {
        MigrationReport report = new MigrationReport("models folder", from.toString(), "store", false);
        new FolderMigration(from, work.resolve("store"), new FileLinker(false), report).copyTree(from, to);
        return report;
    }

    @Test
    void filesKeepTheirRelativePathsAndTemporaryFilesStayBehind() throws IOException {
        Path from = Files.createDirectories(work.resolve("models/a/b"));
        Files.writeString(from.resolve("w.params"), "w");
        Files.writeString(from.resolve("w.params.p12-ab.incomplete"), "partial");
        Path to = work.resolve("store/local/models");

        MigrationReport report = copy(work.resolve("models"), to);

        assertThat(to.resolve("a/b/w.params")).hasContent("w");
        assertThat(to.resolve("a/b/w.params.p12-ab.incomplete")).doesNotExist();
        assertThat(report.text()).contains("skipped a/b/w.params.p12-ab.incomplete: a temporary file");
    }

    @Test
    void theSameBytesAtTheTargetArePresentAndOtherBytesAreKept() throws IOException {
        Path from = Files.createDirectories(work.resolve("models"));
        Files.writeString(from.resolve("same.bin"), "same");
        Files.writeString(from.resolve("new.bin"), "new version");
        Path to = Files.createDirectories(work.resolve("store/local/models"));
        Files.writeString(to.resolve("same.bin"), "same");
        Files.writeString(to.resolve("new.bin"), "old version");

        MigrationReport report = copy(from, to);

        assertThat(report.importedCount()).isZero();
        assertThat(to.resolve("new.bin")).hasContent("old version");
        assertThat(report.text()).contains("already in the store: 1 file")
                .contains("skipped new.bin: the store already has another file at local/models/new.bin; kept the "
                        + "store's");
    }
}
