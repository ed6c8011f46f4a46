package dev.modelredirect.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path dir;

    @Test
    void aFolderIsDeletedWithEverythingInIt() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("file"), "x");
        Files.writeString(dir.resolve("tree/top"), "y");
        FileTrees.deleteTree(dir.resolve("tree"));
        assertThat(dir.resolve("tree")).doesNotExist();
    }

    @Test
    void linksAreDeletedAsLinksAndWhatTheyPointToStays() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "keep me");
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.createSymbolicLink(tree.resolve("folder-link"), outside);
        Files.createSymbolicLink(dir.resolve("root-link"), outside);
        FileTrees.deleteTree(tree);
        FileTrees.deleteTree(dir.resolve("root-link"));
        assertThat(tree).doesNotExist();
        assertThat(dir.resolve("root-link")).doesNotExist();
        assertThat(outside.resolve("keep")).hasContent("keep me");
    }

    @Test
    void deletingATreeNeverFollowsALinkOutOfIt() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "not the store's");
        Path tree = Files.createDirectories(dir.resolve("hub/models--a--b"));
        Files.createSymbolicLink(tree.resolve("link"), outside);
        FileTrees.deleteTree(tree);
        assertThat(tree).doesNotExist();
        assertThat(outside.resolve("keep.txt")).exists();
    }

    @Test
    void aMissingPathIsNothingToDo() throws Exception {
        FileTrees.deleteTree(dir.resolve("absent"));
        assertThat(dir).isEmptyDirectory();
    }
}
