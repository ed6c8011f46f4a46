package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import dev.modelredirect.testing.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {
    @TempDir
    Path root;

    FakeHub hub;
    FakeHub.Repo repo;
    Content config = Content.of("{\"hidden_size\": 8}\n");
    Content weights = Content.synthetic(200_000, 7);

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        repo = hub.model("org/tiny").file("config.json", config, false).lfs("weights/model.bin", weights);
        try (ModelStore store = TestStores.open(root, hub.endpoint())) {
            store.resolve("hf://org/tiny");
            store.resolve("hf://org/tiny/config.json");
        }
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private GarbageCollector collector(Path storeRoot, boolean dryRun) {
        try (ModelStore store = TestStores.offline(storeRoot, hub.endpoint())) {
            return new GarbageCollector(StoreInventory.of(store), dryRun);
        }
    }

    private Path repoDir() {
        return root.resolve("hub/models--org--tiny");
    }

    private Path blob(String name) {
        return repoDir().resolve("blobs/" + name);
    }

    private static Path aged(Path file) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
        return file;
    }

    private String lockFile() throws Exception {
        return Files.readString(root.resolve("models.lock"));
    }

    @Test
    void gcRemovesUnreferencedBlobsAndAbandonedPartialFilesButKeepsLiveOnes() throws Exception {
        Path orphan = aged(Files.writeString(blob("0".repeat(64)), "no snapshot links me"));
        Path fresh = Files.writeString(blob("1".repeat(64)), "just published");
        Path abandoned = Files.write(blob(weights.sha256() + ".p999999999-1a.incomplete"), new byte[100]);
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Path live = Files.write(blob("2".repeat(64) + ".p" + parent + "-2b.incomplete"), new byte[100]);
        Path temp = aged(Files.writeString(root.resolve(".models.lock.0a1b2c.tmp"), "half"));
        StoreCleanup.Outcome outcome = collector(root, false).collect();
        assertThat(orphan).doesNotExist();
        assertThat(abandoned).doesNotExist();
        assertThat(temp).doesNotExist();
        assertThat(fresh).exists();
        assertThat(live).exists();
        assertThat(outcome.bytes()).isEqualTo(20 + 100 + 4);
        assertThat(outcome.kept()).anyMatch(k -> k.contains(live.getFileName().toString()))
                .anyMatch(k -> k.contains(fresh.getFileName().toString()));
        assertThat(blob(weights.sha256())).exists();
        assertThat(blob(config.gitSha1())).exists();
    }

    @Test
    void gcRemovesTheUnpackedFolderOfAnArchiveThatIsGoneAndKeepsTheOthers() throws Exception {
        Path kept = root.resolve("unpacked/" + UnpackedLayout.key(blob(weights.sha256()).toRealPath()) + "/model");
        Path orphan = root.resolve("unpacked/0123456789abcdef/model");
        for (Path folder : new Path[] {kept, orphan}) {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("model.params"), "unpacked bytes");
        }
        StoreCleanup.Outcome outcome = collector(root, false).collect();
        assertThat(orphan.getParent()).doesNotExist();
        assertThat(kept.resolve("model.params")).exists();
        assertThat(outcome.removed()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo(orphan.getParent());
            assertThat(r.bytes()).isEqualTo(14);
        });
    }

    /** Runs {@code body} while another thread holds the named lock {@code lock}. */
    private static void whileHeld(Path lock, ThrowingRunnable body) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (NamedLocks.Held h = NamedLocks.acquire(lock, "test")) {
                held.countDown();
                done.await();
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        holder.start();
        held.await();
        try {
            body.run();
        } finally {
            done.countDown();
            holder.join();
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void gcKeepsAUrlPartialWhoseDownloadHoldsTheUrlLock() throws Exception {
        Path partial = root.resolve("url/b/.y.bin.p999999999-1a.incomplete");
        Files.createDirectories(partial.getParent());
        aged(Files.writeString(partial, "half a download"));
        Path lock = new UrlLayout(root.resolve("url")).lock(WebUrl.parse("https://b/y.bin"));

        whileHeld(lock, () -> {
            StoreCleanup.Outcome outcome = collector(root, false).collect();
            assertThat(partial).exists();
            assertThat(outcome.kept()).anyMatch(k -> k.contains(partial.getFileName().toString()));
        });

        collector(root, false).collect();
        assertThat(partial).doesNotExist();
    }

    @Test
    void aStalePartialOfALivePidIsAbandonedSinceThePidMayBeAnotherHostsButAFreshOneIsKept() throws Exception {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Path stale = aged(Files.write(blob("4".repeat(64) + ".p" + parent + "-4a.incomplete"), new byte[10]));
        Path fresh = Files.write(blob("5".repeat(64) + ".p" + parent + "-5b.incomplete"), new byte[10]);

        collector(root, false).collect();

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
    }

    @Test
    void gcRemovesTheStaleStagingFolderOfAnInterruptedImportButNotOneInUse() throws Exception {
        Path interrupted = root.resolve(".import.0a1b2c3d.tmp");
        Path running = root.resolve(".import.4e5f6a7b.tmp");
        for (Path staging : new Path[] {interrupted, running}) {
            Files.createDirectories(staging.resolve("hub/models--org--x/blobs"));
            Files.writeString(staging.resolve("hub/models--org--x/blobs/abc"), "staged");
        }
        whileHeld(running.resolve(StoreInventory.IMPORT_LOCK), () -> {
            try (Stream<Path> all = Stream.concat(Files.walk(interrupted), Files.walk(running))) {
                for (Path each : all.toList()) {
                    aged(each);
                }
            }
            StoreCleanup.Outcome outcome = collector(root, false).collect();
            assertThat(interrupted).doesNotExist();
            assertThat(running.resolve("hub/models--org--x/blobs/abc")).exists();
            assertThat(outcome.removed()).anyMatch(r -> r.path().equals(interrupted));
        });
    }

    @Test
    void gcNeverRemovesABlobWhoseDownloadHoldsItsLock() throws Exception {
        Path orphan = aged(Files.writeString(blob("3".repeat(64)), "being downloaded again"));
        Path lock = new HubLayout(root.resolve("hub")).lock(StoreInventory.repoOf("models--org--tiny"),
                "3".repeat(64));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (NamedLocks.Held h = NamedLocks.acquire(lock, "test")) {
                held.countDown();
                done.await();
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        holder.start();
        held.await();
        try {
            StoreCleanup.Outcome outcome = collector(root, false).collect();
            assertThat(orphan).exists();
            assertThat(outcome.kept()).anyMatch(k -> k.contains("a download holds its lock"));
        } finally {
            done.countDown();
            holder.join();
        }
        collector(root, false).collect();
        assertThat(orphan).doesNotExist();
    }

    @Test
    void aReadOnlyStoreIsRefusedNamingTheStoreAndNothingChanges() throws Exception {
        aged(Files.writeString(blob("0".repeat(64)), "orphan"));
        String before = listing();
        try (ReadOnlyMount mount = ReadOnlyMount.of(root)) {
            assertThatThrownBy(() -> collector(mount.path(), false).collect())
                    .hasMessageContaining("the store " + mount.path() + " is read-only").hasMessageContaining("`gc`");
        }
        assertThat(listing()).isEqualTo(before);
    }

    private String listing() throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return String.join("\n", all.filter(p -> !p.getFileName().toString().startsWith("ro-view"))
                    .map(Path::toString).sorted().toList()) + lockFile();
        }
    }
}
