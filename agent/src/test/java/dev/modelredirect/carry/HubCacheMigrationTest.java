package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import dev.modelredirect.store.GarbageCollector;
import dev.modelredirect.store.HubLayout;
import dev.modelredirect.store.NamedLocks;
import dev.modelredirect.store.StoreCleanup;
import dev.modelredirect.store.StoreInventory;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.Pin;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.HubCacheFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubCacheMigrationTest {
    static final String COMMIT = "fedcba9876543210fedcba9876543210fedcba98";
    static final String OTHER = "1111111111111111111111111111111111111111";
    static final RepoId TINY = new RepoId(RepoType.MODEL, "org", "tiny");

    @TempDir
    Path work;

    Path cache;
    HubLayout layout;
    LockFile lock;
    Content config = Content.of("{\"a\": 1}");

    @BeforeEach
    void paths() throws IOException {
        cache = Files.createDirectories(work.resolve("cache"));
        layout = new HubLayout(work.resolve("store/hub"));
        lock = new LockFile(work.resolve("store/models.lock"), work.resolve("store/.locks/models.lock.lock"));
    }

    private MigrationReport migrate() throws IOException {
        MigrationReport report = new MigrationReport("Hugging Face cache", cache.toString(), "store", false);
        new HubCacheMigration(cache, layout, lock, new FileLinker(false), report).run();
        return report;
    }

    @Test
    void gcKeepsAMigratedBlobWhoseSnapshotLinkIsNotMadeYet() throws Exception {
        Content weights = Content.of("weights of the tiny model");
        HubCacheFolder folder = HubCacheFolder.model(cache, "org", "tiny").file(COMMIT, "config.json", config, false)
                .file(COMMIT, "model.bin", weights, true).ref("main", COMMIT);
        List<Path> sources = List.of(folder.blob(config, false), folder.blob(weights, true)).stream().sorted().toList();
        for (Path source : sources) {
            Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(0));
        }
        Path first = layout.blob(TINY, sources.get(0).getFileName().toString());
        java.util.concurrent.CompletableFuture<MigrationReport> running;
        try (NamedLocks.Held held = NamedLocks.acquire(layout.lock(TINY, sources.get(1).getFileName().toString()),
                "the test")) {
            running = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return migrate();
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            long deadline = System.currentTimeMillis() + 30_000;
            while (!Files.exists(first) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(first).as("the migration placed its first blob (an old hard link) and waits").exists();
            assertThat(Files.getLastModifiedTime(first).toMillis()).as("the source's mtime, untouched").isZero();

            StoreCleanup.Outcome outcome = new GarbageCollector(new StoreInventory(work.resolve("store"), lock, false),
                    false).collect();

            assertThat(first).exists();
            assertThat(outcome.removed()).isEmpty();
            assertThat(outcome.kept()).anyMatch(kept -> kept.contains("holds its lock"));
        }
        assertThat(running.get(60, java.util.concurrent.TimeUnit.SECONDS).importedCount()).isEqualTo(2);
        assertThat(layout.snapshotFile(TINY, COMMIT, "model.bin")).hasContent("weights of the tiny model");
        assertThat(Files.getLastModifiedTime(sources.get(0)).toMillis()).isZero();
    }

    @Test
    void aSnapshotOfPlainCopiesIsStoredByTheSha256OfEachFile() throws IOException {
        Path copy = cache.resolve("models--org--tiny/snapshots/" + COMMIT + "/config.json");
        Files.createDirectories(copy.getParent());
        Files.write(copy, config.bytes());
        Files.createDirectories(cache.resolve("models--org--tiny/refs"));
        Files.writeString(cache.resolve("models--org--tiny/refs/main"), COMMIT);

        MigrationReport report = migrate();

        assertThat(report.importedCount()).isEqualTo(1);
        assertThat(Files.readSymbolicLink(layout.snapshotFile(TINY, COMMIT, "config.json")).toString())
                .isEqualTo("../../blobs/" + config.sha256());
        assertThat(lock.get("hf://org/tiny@main").files().get(0).blob()).isEqualTo(config.sha256());
    }

    @Test
    void aRefOrAPinTheStoreHasDifferentlyIsKeptAndReported() throws IOException {
        HubCacheFolder.model(cache, "org", "tiny").file(COMMIT, "config.json", config, false).ref("main", COMMIT)
                .file(COMMIT, "extra.txt", Content.of("x"), false).ref("v1", COMMIT);
        Files.createDirectories(layout.ref(TINY, "main").getParent());
        Files.writeString(layout.ref(TINY, "main"), OTHER, StandardCharsets.US_ASCII);
        lock.put("hf://org/tiny@v1", new Pin.Hub(RepoType.MODEL, "org/tiny", "v1", OTHER, List.of()));

        MigrationReport report = migrate();

        assertThat(layout.readRef(TINY, "main")).isEqualTo(OTHER);
        assertThat(layout.readRef(TINY, "v1")).isEqualTo(COMMIT);
        assertThat(((Pin.Hub) lock.get("hf://org/tiny@v1")).commit()).isEqualTo(OTHER);
        assertThat(report.text()).contains("skipped models--org--tiny/refs/main: the store's ref main points to "
                + OTHER + "; kept").contains("skipped hf://org/tiny@v1: the lock file pins it differently already");
        assertThat(report.pinnedSources()).isEmpty();
    }

    @Test
    void aSnapshotLinkLeadingOutOfTheBlobsFolderIsSkipped() throws IOException {
        HubCacheFolder.model(cache, "org", "tiny").file(COMMIT, "config.json", config, false).ref("main", COMMIT);
        Path secret = Files.writeString(work.resolve("secret.txt"), "not a model");
        Files.createSymbolicLink(cache.resolve("models--org--tiny/snapshots/" + COMMIT + "/secret.txt"), secret);

        MigrationReport report = migrate();

        assertThat(report.text()).contains("skipped models--org--tiny/snapshots/" + COMMIT + "/secret.txt: a link "
                + "that does not point into the repository's blobs folder");
        assertThat(layout.snapshotFile(TINY, COMMIT, "secret.txt")).doesNotExist();
        assertThat(report.pinnedSources()).as("the snapshot is not whole").isEmpty();
    }

    @Test
    void refsOfPullRequestsArePinnedWithTheSlashEncoded() throws IOException {
        HubCacheFolder.model(cache, "org", "tiny").file(COMMIT, "config.json", config, false)
                .ref("refs/pr/1", COMMIT);

        MigrationReport report = migrate();

        assertThat(report.pinnedSources()).containsExactly("hf://org/tiny@refs%2Fpr%2F1");
        assertThat(layout.readRef(TINY, "refs/pr/1")).isEqualTo(COMMIT);
    }
}
