package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.FakeHub.FaultKind;
import dev.modelredirect.testing.ReadOnlyMount;
import dev.modelredirect.testing.TreeSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pull} with the real jar onto a store that cannot take the model: a 4 MiB tmpfs too small for it, a disk that
 * another process fills while the download runs, a read-only store, and a store folder deleted mid-download. Each
 * fails with one line naming the store (and, for space, what is needed), leaves the store, its lock file and the
 * model pulled before exactly as they were (a model that fits nowhere is not started at all; one cut short by a disk
 * that filled keeps only its verified files, unpinned, and its partial file), and {@code gc} removes the partial data.
 */
class DiskFullIT {
    private static final Duration PULL = Duration.ofMinutes(2);
    private static final String MEDIUM_CONFIG = "{\"layers\": 4}";

    private FakeHub hub;
    private Content big;
    private Content medium;
    private Path work;

    @BeforeEach
    void aHubWithASmallAMediumAndABigModel() throws IOException {
        hub = new FakeHub();
        hub.model("org/small").file("config.json", "{\"layers\": 2}").lfs("model.bin", Content.synthetic(200_000, 1));
        medium = Content.synthetic(3 << 20, 2);
        hub.model("org/medium").file("config.json", MEDIUM_CONFIG).lfs("model.bin", medium);
        big = Content.synthetic(6 << 20, 3);
        hub.model("org/big").file("config.json", "{\"layers\": 8}").lfs("model.bin", big);
        work = Scratch.fresh("disk-full");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void aModelLargerThanTheFreeSpaceFailsInOneLineBeforeAnyByteAndLeavesTheStoreAsItWas() throws Exception {
        try (SmallDisk disk = SmallDisk.mount("disk-full-small", 4)) {
            Path store = disk.path().resolve("store");
            pull(store, "hf://org/small", 0);
            Map<String, String> before = TreeSnapshot.of(store);
            hub.clearRequests();

            ChildJvm.Exit exit = pull(store, "hf://org/big", 1);
            assertThat(oneLine(exit)).contains("not enough space in the store " + store)
                    .contains("hf://org/big").contains("needs 6.0 MiB").contains("is free");
            assertThat(hub.requests().stream().filter(s -> s.server().equals("cdn")).toList())
                    .as("content requests for a model that cannot fit").isEmpty();
            assertThat(withoutLocks(TreeSnapshot.of(store))).isEqualTo(withoutLocks(before));
        }
    }

    @Test
    void aDiskFilledByAnotherProcessMidDownloadStopsAtOnceAndGcRemovesThePartialFile() throws Exception {
        try (SmallDisk disk = SmallDisk.mount("disk-full-mid", 4)) {
            Path store = disk.path().resolve("store");
            pull(store, "hf://org/small", 0);
            Map<String, String> before = TreeSnapshot.of(store);
            try (ChildJvm child = slowPullOfMediumUnderWay(store)) {
                fill(disk.path().resolve("filler.bin"), disk.free());
                ChildJvm.Exit exit = child.awaitExit(PULL);
                assertThat(exit.code()).as(exit.describe()).isEqualTo(1);
                assertThat(oneLine(exit)).contains("the disk of the store " + store + " is full")
                        .contains("hf://org/medium").contains("`gc`");
                assertThat(exit.wallTime()).as("no retries against a full disk").isLessThan(Duration.ofSeconds(30));
            }
            Files.delete(disk.path().resolve("filler.bin"));
            assertThat(RepoFolder.model(store, "org/medium").partialFiles()).as("the partial file, kept for a resume")
                    .isNotEmpty();
            assertThat(withoutVerifiedPartsOfMedium(TreeSnapshot.of(store), before, true))
                    .as("the store, but for the partial file and the files of org/medium finished before the disk "
                            + "filled").isEqualTo(withoutLocks(before));

            ChildJvm.Exit gc = ChildJvm.run(PULL, work, "gc", "--store", store.toString());
            assertThat(gc.code()).as(gc.describe()).isZero();
            assertThat(gc.stdout()).contains("abandoned temporary file");
            assertThat(RepoFolder.temporaryFilesUnder(store)).isEmpty();
            assertThat(withoutVerifiedPartsOfMedium(TreeSnapshot.of(store), before, false)).as("after gc")
                    .isEqualTo(withoutLocks(before));
        }
    }

    @Test
    void aReadOnlyStoreIsNotWrittenAndSaysSoInOneLine() throws Exception {
        Path store = work.resolve("store");
        pull(store, "hf://org/small", 0);
        Map<String, String> before = TreeSnapshot.of(store);
        try (ReadOnlyMount view = ReadOnlyMount.of(store)) {
            ChildJvm.Exit exit = pull(view.path(), "hf://org/big", 1);
            assertThat(oneLine(exit)).contains(view.path().toString()).contains("read-only");
        }
        assertThat(TreeSnapshot.of(store)).isEqualTo(before);
    }

    @Test
    void aStoreDeletedMidDownloadFailsInOneLineAndIsNotHalfRebuilt() throws Exception {
        Path store = work.resolve("doomed");
        try (ChildJvm child = slowPullOfMediumUnderWay(store)) {
            Scratch.delete(store);
            ChildJvm.Exit exit = child.awaitExit(PULL);
            assertThat(exit.code()).as(exit.describe()).isEqualTo(1);
            assertThat(oneLine(exit)).contains("the store " + store + " was deleted or moved");
        }
        if (Files.exists(store)) {
            assertThat(RepoFolder.temporaryFilesUnder(store)).as("partial files in a re-made store").isEmpty();
            assertThat(RepoFolder.model(store, "org/medium").blob(medium.sha256())).as("a blob").doesNotExist();
            assertThat(store.resolve("models.lock")).as("a pin without its files").doesNotExist();
        }
    }

    /**
     * A pull of org/medium into {@code store} whose 3 MiB file trickles at 640 KiB/s (about 5 s), returned once its
     * partial file holds bytes: time enough to fill the disk or delete the store beside it.
     */
    private ChildJvm slowPullOfMediumUnderWay(Path store) {
        hub.fault(s -> s.server().equals("cdn") && s.path().contains(medium.sha256()), Integer.MAX_VALUE,
                FaultKind.SLOW, 0, null, 64 * 1024);
        ChildJvm child = ChildJvm.cli(work, "pull", "hf://org/medium", "--store", store.toString(), "--endpoint",
                hub.endpoint()).start();
        RepoFolder folder = RepoFolder.model(store, "org/medium");
        Poll.until(Duration.ofSeconds(60), "a partial file with bytes", () -> folder.partialFiles().stream()
                .anyMatch(DiskFullIT::hasBytes) || !child.isAlive(), child::stderr);
        return child;
    }

    private ChildJvm.Exit pull(Path store, String source, int code) {
        ChildJvm.Exit exit = ChildJvm.run(PULL, work, "pull", source, "--store", store.toString(), "--endpoint",
                hub.endpoint());
        assertThat(exit.code()).as(exit.describe()).isEqualTo(code);
        return exit;
    }

    /** The one line a failed command printed on stderr. */
    private static String oneLine(ChildJvm.Exit exit) {
        String stderr = exit.stderr().strip();
        assertThat(stderr.lines().count()).as("stderr is one line\n%s", exit.describe()).isEqualTo(1);
        System.out.println("DiskFullIT: " + stderr);
        return stderr;
    }

    private static boolean hasBytes(Path file) {
        try {
            return Files.size(file) > 0;
        } catch (IOException gone) {
            return false;
        }
    }

    /** Writes up to {@code bytes} zeros, stopping quietly when the disk is full. */
    private static void fill(Path file, long bytes) {
        byte[] block = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes + block.length; written += block.length) {
                out.write(block);
            }
        } catch (IOException full) {
            // the disk is full: that was the point
        }
    }

    /**
     * The tree without its lock files and without what a failed pull of org/medium may add: folders, snapshot links,
     * blobs holding exactly the bytes of one of its files (finished and verified before the disk filled: reused by the
     * next attempt, as the Hub's cache keeps them) and, when {@code partial}, its {@code .incomplete} file. Its pin,
     * the lock file and org/small are compared as they were.
     */
    private Map<String, String> withoutVerifiedPartsOfMedium(Map<String, String> tree, Map<String, String> before,
            boolean partial) {
        java.util.Set<String> verified = java.util.Set.of(medium.sha256(), Content.of(MEDIUM_CONFIG).sha256());
        Map<String, String> out = withoutLocks(tree);
        out.keySet().removeIf(path -> {
            String what = out.get(path);
            return !before.containsKey(path) && path.startsWith("hub/models--org--medium") && (what.equals("dir")
                    || what.startsWith("link -> ../../blobs/") || partial && path.endsWith(".incomplete")
                    || what.startsWith("file ") && verified.contains(what.substring(what.lastIndexOf(' ') + 1)));
        });
        return out;
    }

    /** The tree without the {@code .locks/} folders, whose empty lock files any command may leave (gc keeps them). */
    private static Map<String, String> withoutLocks(Map<String, String> tree) {
        Map<String, String> out = new TreeMap<>(tree);
        out.keySet().removeIf(path -> (path + "/").matches("(.*/)?\\.locks/.*"));
        return out;
    }
}
