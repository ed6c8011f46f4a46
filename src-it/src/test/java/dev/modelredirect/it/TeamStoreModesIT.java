package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The modes of everything the real jar creates in a store (blobs, folders, refs, tree files, lock files,
 * {@code models.lock}), under the umask of the user, in a plain folder and in a team folder ({@code chmod 2775}); and a
 * second real user of the team adding a model to a store the first user made.
 */
class TeamStoreModesIT {
    private static final String TEAM_GROUP = "mrteam";
    private static final String SECOND_USER = "mrsecond";
    private static final long MIB = 1 << 20;

    private FakeHub hub;
    private Path work;

    @BeforeEach
    void hubWithSmallAndLargeFiles() throws IOException {
        hub = new FakeHub();
        hub.model("org/alpha").file("config.json", "{\"a\":1}").lfs("weights.bin", Content.synthetic(33 * MIB, 5));
        hub.model("org/beta").file("config.json", "{\"b\":2}").lfs("small.bin", Content.synthetic(MIB, 6));
        work = Scratch.fresh("team-store-modes");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @ParameterizedTest(name = "umask {0}, store folder {1}: files {2}, folders {3}")
    @CsvSource({
        "022, 0755, 0644, 0755",
        "002, 0755, 0664, 0775",
        "022, 2775, 0664, 2775",
        "077, 2770, 0660, 2770",
        "027, 2770, 0660, 2770",
    })
    void everythingThePullCreatesHasTheModeOfTheUmaskWidenedToTheGroupInATeamFolder(String umask, String rootMode,
            String fileMode, String dirMode) throws IOException {
        Path store = work.resolve("store");
        Files.createDirectory(store);
        Files.setAttribute(store, "unix:mode", Integer.parseInt(rootMode, 8));

        ChildJvm.Exit exit = underUmask(umask, ChildJvm.cli(work, "pull", "hf://org/alpha", "--store",
                store.toString(), "--endpoint", hub.endpoint())).run(Duration.ofMinutes(2));

        assertThat(exit.code()).as(exit.describe()).isZero();
        Map<String, Integer> modes = modesBelow(store);
        assertThat(modes.keySet()).as("what the pull made")
                .anyMatch(p -> p.matches("hub/models--org--alpha/blobs/[0-9a-f]{64}"))
                .anyMatch(p -> p.startsWith("hub/models--org--alpha/refs/main"))
                .anyMatch(p -> p.startsWith("hub/.locks/models--org--alpha/") && p.endsWith(".lock"))
                .anyMatch(p -> p.startsWith(".locks/"))
                .contains("models.lock");
        int files = Integer.parseInt(fileMode, 8);
        int dirs = Integer.parseInt(dirMode, 8);
        modes.forEach((path, mode) -> {
            boolean dir = Files.isDirectory(store.resolve(path), LinkOption.NOFOLLOW_LINKS);
            assertThat(Integer.toOctalString(mode)).as("mode of %s %s", dir ? "folder" : "file", path)
                    .isEqualTo(Integer.toOctalString(dir ? dirs : files));
        });
    }

    @Test
    void aSecondUserOfTheTeamAddsAModelToAStoreTheFirstUserMadeAndTakesItsLocks() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: a second user cannot be created and run here, so the two-user test is skipped");
        Assumptions.assumeTrue(secondUserExists(), "useradd/groupadd failed: no second user to run the test as");
        Path store = work.resolve("team-store");
        Files.createDirectory(store);
        run("chgrp", TEAM_GROUP, store.toString());
        Files.setAttribute(store, "unix:mode", 02775);
        Files.setAttribute(work, "unix:mode", 0755);

        ChildJvm.Exit first = underUmask("022", ChildJvm.cli(work, "pull", "hf://org/alpha/config.json",
                "--store", store.toString(), "--endpoint", hub.endpoint())).run(Duration.ofMinutes(2));
        assertThat(first.code()).as(first.describe()).isZero();

        List<String> asSecond = List.of("setpriv", "--reuid=" + SECOND_USER, "--regid=" + TEAM_GROUP,
                "--init-groups", "sh", "-c", "umask 022; exec \"$@\"", "sh");
        ChildJvm.Exit second = ChildJvm.cli(work, "pull", "hf://org/alpha", "hf://org/beta", "--store",
                store.toString(), "--endpoint", hub.endpoint(), "--log", "debug").under(asSecond)
                .run(Duration.ofMinutes(2));

        assertThat(second.code()).as(second.describe()).isZero();
        assertThat(second.stderr()).as("the second user could open every lock file")
                .doesNotContain("cannot create lock file").doesNotContain("file locks do not work");
        RepoFolder alpha = RepoFolder.model(store, "org/alpha");
        Path weights = alpha.blob(hub.model("org/alpha").content("weights.bin").sha256());
        assertThat(owner(weights)).as("owner of the blob the second user added to the first user's repo folder")
                .isEqualTo(SECOND_USER + ":" + TEAM_GROUP);
        assertThat(Integer.toOctalString(mode(weights))).isEqualTo("664");
        assertThat(owner(store.resolve("hub/models--org--alpha/blobs"))).as("the folder it went into")
                .startsWith("root:");
        String pins = Files.readString(store.resolve("models.lock"));
        assertThat(pins).as("models.lock holds both users' pins")
                .contains("hf://org/alpha/config.json").contains("\"hf://org/alpha\"").contains("hf://org/beta");
        assertThat(owner(store.resolve("models.lock"))).isEqualTo(SECOND_USER + ":" + TEAM_GROUP);
        assertThat(RepoFolder.temporaryFilesUnder(store)).isEmpty();

        ChildJvm.Exit third = underUmask("022", ChildJvm.cli(work, "which", "hf://org/beta/small.bin", "--store",
                store.toString())).run(Duration.ofMinutes(1));
        assertThat(third.code()).as("the first user sees the second user's model: " + third.describe()).isZero();
    }

    private static ChildJvm.Builder underUmask(String umask, ChildJvm.Builder child) {
        return child.under(List.of("sh", "-c", "umask " + umask + "; exec \"$@\"", "sh"));
    }

    /** Every entry below {@code root} but symbolic links, with its permission bits (set-group-ID included). */
    static Map<String, Integer> modesBelow(Path root) {
        Map<String, Integer> modes = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                if (!p.equals(root) && !Files.isSymbolicLink(p)) {
                    modes.put(root.relativize(p).toString(), mode(p));
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return modes;
    }

    private static int mode(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String owner(Path p) throws IOException {
        return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName() + ":"
                + Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS).group().getName();
    }

    private boolean secondUserExists() {
        if (!run("getent", "group", TEAM_GROUP) && !run("groupadd", TEAM_GROUP)) {
            return false;
        }
        return run("id", SECOND_USER)
                || run("useradd", "--no-create-home", "--gid", TEAM_GROUP, "--shell", "/usr/sbin/nologin", SECOND_USER);
    }

    private boolean run(String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        return ChildJvm.program(work, all.toArray(String[]::new)).run(Duration.ofSeconds(30)).code() == 0;
    }
}
