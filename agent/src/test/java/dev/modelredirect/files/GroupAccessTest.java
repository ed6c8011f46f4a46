package dev.modelredirect.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupAccessTest {
    @TempDir
    Path temp;
    private int umask;

    @BeforeEach
    void learnTheUmask() throws IOException {
        Path probe = temp.resolve("probe");
        FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        umask = ~mode(probe) & 0666;
        Files.delete(probe);
    }

    @Test
    void aTeamFolderGivesTheGroupWhatTheOwnerHasAndKeepsTheSetGroupIdBit() throws IOException {
        Path team = temp.resolve("team");
        Files.createDirectory(team);
        Files.setAttribute(team, "unix:mode", 02770);

        Path nested = GroupAccess.createDirectories(team.resolve("hub/models--org--name/blobs"));
        Path file = nested.resolve("blob");
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        GroupAccess.share(file);

        int dirs = 02000 | 0770 | (0007 & ~umask & 0777);
        assertThat(mode(team.resolve("hub"))).as("a folder made in the team folder").isEqualTo(dirs);
        assertThat(mode(nested)).as("a folder two levels down").isEqualTo(dirs);
        assertThat(mode(file)).as("a file").isEqualTo(0660 | (0006 & ~umask));
    }

    @Test
    void aPlainFolderKeepsTheUmasksModes() throws IOException {
        Path plain = temp.resolve("plain");
        Files.createDirectory(plain);
        Files.setAttribute(plain, "unix:mode", 0755);

        Path nested = GroupAccess.createDirectories(plain.resolve("a/b"));
        Path file = nested.resolve("blob");
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        GroupAccess.share(file);

        assertThat(mode(nested)).isEqualTo(0777 & ~umask);
        assertThat(mode(file)).isEqualTo(0666 & ~umask);
    }

    @Test
    void aFolderWritableByEveryoneIsNotATeamFolder() throws IOException {
        Path scratch = temp.resolve("tmp-like");
        Files.createDirectory(scratch);
        Files.setAttribute(scratch, "unix:mode", 01777);

        assertThat(GroupAccess.isTeamFolder(scratch)).isFalse();
        Path store = GroupAccess.createDirectories(scratch.resolve("store"));
        assertThat(mode(store)).isEqualTo(0777 & ~umask);
    }

    @Test
    void aSetGroupIdFolderIsATeamFolderEvenBeforeItsGroupMayWrite() throws IOException {
        Path justMade = temp.resolve("just-made");
        Files.createDirectory(justMade);
        Files.setAttribute(justMade, "unix:mode", 02755);
        assertThat(GroupAccess.isTeamFolder(justMade)).isTrue();
        Files.setAttribute(justMade, "unix:mode", 0755);
        assertThat(GroupAccess.isTeamFolder(justMade)).isFalse();
        Files.setAttribute(justMade, "unix:mode", 02777);
        assertThat(GroupAccess.isTeamFolder(justMade)).as("writable by everyone").isFalse();
    }

    @Test
    void shareTreeWidensEverythingUnpackedInATeamFolder() throws IOException {
        Path team = temp.resolve("team");
        Files.createDirectory(team);
        Files.setAttribute(team, "unix:mode", 02775);
        Path work = team.resolve("work");
        Files.createDirectories(work.resolve("inner"));
        Files.writeString(work.resolve("inner/file.txt"), "x");
        Files.setAttribute(work, "unix:mode", 0700);
        Files.setAttribute(work.resolve("inner"), "unix:mode", 0700);
        Files.setAttribute(work.resolve("inner/file.txt"), "unix:mode", 0600);
        Files.createSymbolicLink(work.resolve("link"), Path.of("inner/file.txt"));

        GroupAccess.shareTree(work);

        assertThat(mode(work) & 0777).isEqualTo(0770);
        assertThat(mode(work.resolve("inner")) & 0777).isEqualTo(0770);
        assertThat(mode(work.resolve("inner/file.txt"))).isEqualTo(0660);
        assertThat(Files.isSymbolicLink(work.resolve("link"))).isTrue();
    }

    @Test
    void createDirectoriesAcceptsAFolderThatAlreadyExists() throws IOException {
        Path existing = Files.createDirectories(temp.resolve("x/y"));
        assertThat(GroupAccess.createDirectories(existing)).isEqualTo(existing);
    }

    static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }
}
