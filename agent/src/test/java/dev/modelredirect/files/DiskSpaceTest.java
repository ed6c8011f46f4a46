package dev.modelredirect.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpaceTest {
    @TempDir
    Path dir;

    @Test
    void aFullDiskIsRecognisedInTheErrorOrAnyOfItsCauses() {
        assertThat(DiskSpace.isFull(new IOException("No space left on device"))).isTrue();
        assertThat(DiskSpace.isFull(new FileSystemException("/s/x", null, "Disk quota exceeded"))).isTrue();
        assertThat(DiskSpace.isFull(new UncheckedIOException(new IOException("write failed",
                new IOException("No space left on device"))))).isTrue();
        assertThat(DiskSpace.isFull(new IOException("Connection reset"))).isFalse();
        assertThat(DiskSpace.isFull(new IOException((String) null))).isFalse();
    }

    @Test
    void theUsableSpaceOfAFolderNotMadeYetIsThatOfTheFolderAboveIt() throws IOException {
        long here = Files.getFileStore(dir).getUsableSpace();
        long below = DiskSpace.usable(dir.resolve("not/yet/made"));
        assertThat(below).isPositive().isBetween(here / 2, here * 2);
    }
}
