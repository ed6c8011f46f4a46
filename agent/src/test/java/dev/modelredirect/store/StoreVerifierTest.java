package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import dev.modelredirect.testing.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreVerifierTest {
    @TempDir
    Path root;

    FakeHub hub;
    FakeHub.Repo repo;
    Content config = Content.of("{\"hidden_size\": 8}\n");
    Content weights = Content.synthetic(200_000, 5);

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        repo = hub.model("org/tiny").file("config.json", config, false).lfs("weights/model.bin", weights);
        try (ModelStore store = TestStores.open(root, hub.endpoint())) {
            store.resolve("hf://org/tiny");
        }
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private StoreVerifier.Report verify(Path storeRoot) throws Exception {
        try (ModelStore store = TestStores.offline(storeRoot, hub.endpoint())) {
            return new StoreVerifier(StoreInventory.of(store), ProgressListener.NONE).verify();
        }
    }

    private Path blob(String name) {
        return root.resolve("hub/models--org--tiny/blobs/" + name);
    }

    private static void corrupt(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
    }

    @Test
    void repairNeverDeletesThroughAFolderLinkLeadingOutOfTheStore() throws Exception {
        Path outside = root.resolveSibling(root.getFileName() + "-blobs");
        Files.move(root.resolve("hub/models--org--tiny/blobs"), outside);
        try {
            Files.createSymbolicLink(root.resolve("hub/models--org--tiny/blobs"), outside);
            corrupt(outside.resolve(weights.sha256()));
            try (ModelStore store = TestStores.offline(root, hub.endpoint())) {
                StoreVerifier verifier = new StoreVerifier(StoreInventory.of(store), ProgressListener.NONE);
                StoreVerifier.Report report = verifier.verify();
                assertThat(report.problems()).isPositive();
                assertThatThrownBy(() -> verifier.repair(report)).isInstanceOf(StoreException.class)
                        .hasMessageContaining("not inside the store");
            }
            assertThat(outside.resolve(weights.sha256())).exists();
            assertThat(outside.resolve(config.gitSha1())).exists();
        } finally {
            try (java.util.stream.Stream<Path> all = Files.walk(outside)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aCleanStoreHasNoFindingsAndEveryFileWasHashedOnce() throws Exception {
        StoreVerifier.Report report = verify(root);
        assertThat(report.findings()).isEmpty();
        assertThat(report.filesHashed()).isEqualTo(2);
        assertThat(report.bytesHashed()).isEqualTo(config.size() + weights.size());
    }

    @Test
    void aCorruptedLfsBlobIsReportedAgainstTheLockFileWithBothHashes() throws Exception {
        corrupt(blob(weights.sha256()));
        String actual = Hashing.sha256Of(blob(weights.sha256()));
        StoreVerifier.Report report = verify(root);
        assertThat(report.problems()).isEqualTo(1);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(StoreVerifier.Kind.BAD);
            assertThat(f.line()).isEqualTo("BAD      hf://org/tiny weights/model.bin: sha256 is " + actual
                    + ", expected " + weights.sha256() + " (models.lock)");
        });
    }

    @Test
    void aCorruptedSmallBlobNoPinNamesIsReportedAgainstItsGitBlobName() throws Exception {
        Files.writeString(root.resolve("models.lock"), "{\"version\": 1, \"sources\": {}}");
        corrupt(blob(config.gitSha1()));
        StoreVerifier.Report report = verify(root);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.source()).isEqualTo("hf://org/tiny");
            assertThat(f.path()).isEqualTo("blobs/" + config.gitSha1());
            assertThat(f.detail()).startsWith("git blob sha1 is ").endsWith("expected " + config.gitSha1()
                    + " (the blob's name)");
        });
    }

    @Test
    void repairDeletesTheBadBlobAndItsLinkSoTheNextResolutionDownloadsItAgainAndVerifiesClean() throws Exception {
        corrupt(blob(weights.sha256()));
        Path link = root.resolve("hub/models--org--tiny/snapshots/" + repo.commit() + "/weights/model.bin");
        try (ModelStore store = TestStores.open(root, hub.endpoint())) {
            StoreVerifier verifier = new StoreVerifier(StoreInventory.of(store), ProgressListener.NONE);
            List<Path> deleted = verifier.repair(verifier.verify());
            assertThat(deleted).containsExactlyInAnyOrder(blob(weights.sha256()), link);
        }
        assertThat(verify(root).findings()).singleElement()
                .satisfies(f -> assertThat(f.kind()).isEqualTo(StoreVerifier.Kind.MISSING));
        hub.clearRequests();
        try (ModelStore store = TestStores.open(root, hub.endpoint())) {
            Resolution again = store.resolve("hf://org/tiny");
            assertThat(again.hit()).isFalse();
            assertThat(again.bytesDownloaded()).isEqualTo(weights.size());
        }
        assertThat(hub.contentGets()).isPositive();
        assertThat(verify(root).findings()).isEmpty();
        assertThat(Hashing.sha256Of(link)).isEqualTo(weights.sha256());
    }

    @Test
    void aBrokenSnapshotLinkIsFoundAndRepairRemovesIt() throws Exception {
        Files.delete(blob(config.gitSha1()));
        StoreVerifier.Report report = verify(root);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(StoreVerifier.Kind.BROKEN);
            assertThat(f.path()).isEqualTo("snapshots/" + repo.commit() + "/config.json");
        });
        try (ModelStore store = TestStores.open(root, hub.endpoint())) {
            new StoreVerifier(StoreInventory.of(store), ProgressListener.NONE).repair(report);
        }
        assertThat(root.resolve("hub/models--org--tiny/snapshots/" + repo.commit() + "/config.json"))
                .doesNotExist();
    }

    @Test
    void aUrlFileIsCheckedAgainstItsIntegrityRecord() throws Exception {
        String url = "http://127.0.0.1:" + hub.cdnPort() + "/blobs/" + weights.sha256();
        Path file;
        try (ModelStore store = TestStores.open(root, hub.endpoint())) {
            file = store.resolve(url).path();
        }
        assertThat(file).startsWith(root.resolve("url"));
        Files.writeString(root.resolve("models.lock"), "{\"version\": 1, \"sources\": {}}");
        corrupt(file);
        StoreVerifier.Report report = verify(root);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(StoreVerifier.Kind.BAD);
            assertThat(f.source()).isEqualTo(url);
            assertThat(f.detail()).endsWith("expected " + weights.sha256() + " (" + weights.sha256()
                    + ".meta.json)");
            assertThat(f.remove()).containsExactly(file, UrlLayout.meta(file));
        });
    }

    @Test
    void theStaleStagingFolderOfAnInterruptedImportIsALeftover() throws Exception {
        Path staging = root.resolve(".import.0a1b2c3d.tmp");
        Files.createDirectories(staging.resolve("url/h"));
        Files.writeString(staging.resolve("url/h/f.bin"), "staged");
        for (Path each : new Path[] {staging.resolve("url/h/f.bin"), staging.resolve("url/h"), staging.resolve("url"),
                staging}) {
            Files.setLastModifiedTime(each, java.nio.file.attribute.FileTime.fromMillis(0));
        }
        StoreVerifier.Report report = verify(root);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(StoreVerifier.Kind.LEFTOVER);
            assertThat(f.detail()).contains("staging folder");
        });
    }

    @Test
    void repairKeepsAPartialWhoseDownloadTookItsLockAfterTheReport() throws Exception {
        Path partial = Files.write(blob(weights.sha256() + ".p999999999-1a.incomplete"), new byte[10]);
        Path lock = new HubLayout(root.resolve("hub")).lock(StoreInventory.repoOf("models--org--tiny"),
                weights.sha256());
        try (ModelStore store = TestStores.offline(root, hub.endpoint())) {
            StoreVerifier verifier = new StoreVerifier(StoreInventory.of(store), ProgressListener.NONE);
            StoreVerifier.Report report = verifier.verify();
            assertThat(report.findings()).hasSize(1);
            java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            Thread download = new Thread(() -> {
                try (NamedLocks.Held h = NamedLocks.acquire(lock, "test")) {
                    held.countDown();
                    done.await();
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            download.start();
            held.await();
            try {
                assertThat(verifier.repair(report)).isEmpty();
                assertThat(partial).exists();
            } finally {
                done.countDown();
                download.join();
            }
            assertThat(verifier.repair(report)).containsExactly(partial);
        }
    }

    @Test
    void anAbandonedPartialDownloadIsALeftoverButALiveOneIsNot() throws Exception {
        Files.write(blob(weights.sha256() + ".p999999999-1a.incomplete"), new byte[10]);
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Files.write(blob(weights.sha256() + ".p" + parent + "-2b.incomplete"), new byte[10]);
        StoreVerifier.Report report = verify(root);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(StoreVerifier.Kind.LEFTOVER);
            assertThat(f.path()).endsWith(".p999999999-1a.incomplete");
        });
    }

    @Test
    void aReadOnlyStoreIsVerifiedButRepairIsRefusedAndNothingChanges() throws Exception {
        corrupt(blob(weights.sha256()));
        try (ReadOnlyMount mount = ReadOnlyMount.of(root)) {
            StoreVerifier.Report report = verify(mount.path());
            assertThat(report.problems()).isEqualTo(1);
            try (ModelStore store = TestStores.offline(mount.path(), hub.endpoint())) {
                StoreVerifier verifier = new StoreVerifier(StoreInventory.of(store), ProgressListener.NONE);
                assertThatThrownBy(() -> verifier.repair(report)).isInstanceOf(StoreException.class)
                        .hasMessageContaining("the store " + mount.path() + " is read-only");
            }
        }
        assertThat(Hashing.sha256Of(blob(weights.sha256()))).isNotEqualTo(weights.sha256());
    }
}
