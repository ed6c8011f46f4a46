package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartialFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFreshNameCarriesThisProcessAndIsUnique() {
        Path a = PartialFiles.fresh(dir, "etag");
        Path b = PartialFiles.fresh(dir, "etag");
        assertThat(a).isNotEqualTo(b);
        assertThat(a.getFileName().toString()).startsWith("etag.p" + ProcessHandle.current().pid() + "-")
                .endsWith(".incomplete");
    }

    @Test
    void theLargestAbandonedPartialFileIsClaimedInOneRename() throws Exception {
        Path small = dir.resolve("etag.p999999999-1.incomplete");
        Path large = dir.resolve("etag.p999999998-2.incomplete");
        Files.write(small, new byte[10]);
        Files.write(large, new byte[20]);
        Path claimed = PartialFiles.claim(dir, "etag");
        assertThat(Files.size(claimed)).isEqualTo(20);
        assertThat(large).doesNotExist();
        assertThat(small).exists();
    }

    @Test
    void aPartialFileOfALiveProcessIsLeftAlone() throws Exception {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Path live = dir.resolve("etag.p" + parent + "-1.incomplete");
        Files.write(live, new byte[20]);
        Path claimed = PartialFiles.claim(dir, "etag");
        assertThat(claimed).isNotEqualTo(live).doesNotExist();
        assertThat(live).exists();
        assertThat(PartialFiles.isAbandoned(live)).isFalse();
    }

    @Test
    void anUnownedPartialFileIsTakenOnlyWhenStale() throws Exception {
        Path python = dir.resolve("etag.incomplete");
        Files.write(python, new byte[20]);
        assertThat(PartialFiles.isAbandoned(python)).isFalse();
        Files.setLastModifiedTime(python, FileTime.from(Instant.now().minusSeconds(3600)));
        assertThat(PartialFiles.isAbandoned(python)).isTrue();
        assertThat(Files.size(PartialFiles.claim(dir, "etag"))).isEqualTo(20);
    }

    @Test
    void partialFilesOfOtherNamesAreIgnored() throws Exception {
        Files.write(dir.resolve("other.p999999999-1.incomplete"), new byte[20]);
        assertThat(PartialFiles.claim(dir, "etag")).doesNotExist();
    }

    @Test
    void thePartialFileOfALongerNameWithTheSamePrefixIsNotClaimed() throws Exception {
        Path data = dir.resolve(".model.onnx.data.p999999999-1.incomplete");
        Path unowned = dir.resolve(".model.onnx.data.incomplete");
        Files.write(data, new byte[20]);
        Files.write(unowned, new byte[30]);
        Files.setLastModifiedTime(unowned, FileTime.from(Instant.now().minusSeconds(3600)));

        assertThat(PartialFiles.claim(dir, ".model.onnx")).doesNotExist();
        assertThat(data).exists();
        assertThat(unowned).exists();
        assertThat(Files.size(PartialFiles.claim(dir, ".model.onnx.data"))).isEqualTo(30);
    }
}
