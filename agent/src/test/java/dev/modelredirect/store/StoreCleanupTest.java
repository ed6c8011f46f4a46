package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCleanupTest {
    @TempDir
    Path root;

    @Test
    void deletingAFileRemovesTheFoldersItLeavesEmptyUpToTheStoresOwnFolders() throws Exception {
        Path file = root.resolve("url/host/a/b/file.bin");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "12345");
        StoreCleanup cleanup = new StoreCleanup(root, false);
        cleanup.delete(file, "URL file");
        assertThat(root.resolve("url/host")).doesNotExist();
        assertThat(root.resolve("url")).isDirectory();
        assertThat(cleanup.outcome().bytes()).isEqualTo(5);
        assertThat(cleanup.outcome().removed()).singleElement()
                .isEqualTo(new StoreCleanup.Removed(file, 5, "URL file"));
    }

    @Test
    void aFolderLinkLeadingOutOfTheStoreIsNeverFollowedIntoADeletion() throws Exception {
        Path outside = Files.createDirectories(root.resolveSibling(root.getFileName() + "-outside"));
        try {
            Files.writeString(outside.resolve("important.txt"), "keep me");
            Files.createDirectories(root.resolve("hub/models--org--name"));
            Files.createSymbolicLink(root.resolve("hub/models--org--name/snapshots"), outside);
            StoreCleanup cleanup = new StoreCleanup(root, false);
            assertThatThrownBy(() -> cleanup.delete(root.resolve("hub/models--org--name/snapshots/important.txt"),
                    "snapshot file")).isInstanceOf(StoreException.class).hasMessageContaining("not inside the store");
            assertThatThrownBy(() -> cleanup.deleteFolder(root.resolve("hub/../../" + outside.getFileName())))
                    .isInstanceOf(StoreException.class);
            assertThat(outside.resolve("important.txt")).hasContent("keep me");
            assertThat(cleanup.outcome().removed()).isEmpty();
        } finally {
            Files.deleteIfExists(outside.resolve("important.txt"));
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aTopLevelFolderTheUserLinkedToAnotherDiskIsStillTheStore() throws Exception {
        Path disk = Files.createDirectories(root.resolveSibling(root.getFileName() + "-disk"));
        try {
            Files.createDirectories(disk.resolve("host"));
            Files.writeString(disk.resolve("host/file.bin"), "12345");
            Files.createSymbolicLink(root.resolve("url"), disk);
            StoreCleanup cleanup = new StoreCleanup(root, false);
            cleanup.delete(root.resolve("url/host/file.bin"), "URL file");
            assertThat(disk.resolve("host/file.bin")).doesNotExist();
            assertThat(cleanup.outcome().bytes()).isEqualTo(5);
        } finally {
            try (java.util.stream.Stream<Path> all = Files.walk(disk)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aDryRunRecordsButDeletesNothing() throws Exception {
        Path folder = root.resolve("unpacked/0123/model");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("x"), "abc");
        StoreCleanup cleanup = new StoreCleanup(root, true);
        cleanup.removeTree(folder.getParent(), 3, "unpacked, archive gone");
        assertThat(folder.resolve("x")).exists();
        assertThat(cleanup.isRemoved(folder.resolve("x"))).isTrue();
        assertThat(cleanup.outcome().bytes()).isEqualTo(3);
    }

    @Test
    void keptThingsAreReportedWithTheirReason() {
        StoreCleanup cleanup = new StoreCleanup(root, false);
        cleanup.keep("blobs/x: a download holds its lock");
        assertThat(cleanup.outcome().kept()).containsExactly("blobs/x: a download holds its lock");
    }
}
