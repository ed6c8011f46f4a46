package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLinkerTest {
    @TempDir
    Path dir;

    @Test
    void onOneFileSystemTheFileIsHardLinkedAndNoTemporaryNameIsLeft() throws IOException {
        Path from = Files.writeString(dir.resolve("model.bin"), "weights");
        Path to = dir.resolve("store/blobs/abc");

        assertThat(new FileLinker(false).place(from, to)).isEqualTo(FileLinker.How.LINKED);

        assertThat(Files.isSameFile(from, to)).isTrue();
        assertThat(from).hasContent("weights");
        try (var names = Files.list(to.getParent())) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactly("abc");
        }
    }

    @Test
    void aLinkedSymlinkStandsForTheFileItPointsTo() throws IOException {
        Path real = Files.writeString(dir.resolve("real.bin"), "weights");
        Path link = Files.createSymbolicLink(dir.resolve("link.bin"), real);
        Path to = dir.resolve("store/x");

        new FileLinker(false).place(link, to);

        assertThat(Files.isSymbolicLink(to)).isFalse();
        assertThat(Files.isSameFile(real, to)).isTrue();
    }

    @Test
    void aDryRunSaysWhatItWouldDoAndWritesNothing() throws IOException {
        Path from = Files.writeString(dir.resolve("model.bin"), "weights");
        Path to = dir.resolve("store/blobs/abc");

        assertThat(new FileLinker(true).place(from, to)).isEqualTo(FileLinker.How.LINKED);

        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void acrossFileSystemsTheFileIsCopied() throws IOException {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(dir)), "needs /dev/shm on another file system");
        Path from = Files.createTempFile(shm, "linker", ".bin");
        try {
            Files.writeString(from, "weights");
            Path to = dir.resolve("copied.bin");

            assertThat(new FileLinker(true).place(from, to)).isEqualTo(FileLinker.How.COPIED);
            assertThat(new FileLinker(false).place(from, to)).isEqualTo(FileLinker.How.COPIED);

            assertThat(to).hasContent("weights");
            assertThat(Files.isSameFile(from, to)).isFalse();
        } finally {
            Files.deleteIfExists(from);
        }
    }
}
