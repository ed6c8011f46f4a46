package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.config.PathMapping;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Pin;
import dev.modelredirect.store.Resolution;
import dev.modelredirect.store.StoreException;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.HubCacheFolder;
import dev.modelredirect.testing.TestStores;
import dev.modelredirect.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path work;

    Path store;
    Path cache;
    Content config = Content.of("{\"hidden_size\": 8}\n");
    Content weights = Content.synthetic(300_000, 7);
    HubCacheFolder tiny;

    @BeforeEach
    void writeAHubCache() throws IOException {
        store = work.resolve("store");
        cache = work.resolve("huggingface/hub");
        tiny = HubCacheFolder.model(cache, "org", "tiny").file(COMMIT, "config.json", config, false)
                .file(COMMIT, "weights/model.bin", weights, true).ref("main", COMMIT);
    }

    private MigrationReport migrate(Path from, boolean engines, List<PathMapping> paths, boolean dryRun)
            throws IOException {
        LockFile lock = new LockFile(store.resolve("models.lock"), store.resolve(".locks/models.lock.lock"));
        return new Migration(new Migration.Target(store, lock, engines, paths, null, dryRun)).run(from);
    }

    private MigrationReport migrate(Path from) throws IOException {
        return migrate(from, true, List.of(), false);
    }

    @Test
    void aHubCacheIsHardLinkedIntoTheStoreVerifiedAndPinnedWithoutChangingTheSource() throws IOException {
        Map<String, String> before = TreeSnapshot.of(work.resolve("huggingface"));

        MigrationReport report = migrate(work.resolve("huggingface"));

        assertThat(report.importedCount()).isEqualTo(2);
        assertThat(report.linkedCount()).isEqualTo(2);
        assertThat(report.importedBytes()).isEqualTo(config.size() + weights.size());
        assertThat(report.text()).startsWith("imported 2 files (").contains("2 hard-linked, 0 copied");
        assertThat(report.pinnedSources()).containsExactly("hf://org/tiny@main");
        Path blob = store.resolve("hub/models--org--tiny/blobs/" + weights.sha256());
        assertThat(Files.isSameFile(blob, tiny.blob(weights, true))).as("one inode, no byte stored twice").isTrue();
        assertThat(TreeSnapshot.of(work.resolve("huggingface"))).isEqualTo(before);
        assertThat(Files.readSymbolicLink(store.resolve("hub/models--org--tiny/snapshots/" + COMMIT
                + "/weights/model.bin")).toString()).isEqualTo("../../../blobs/" + weights.sha256());
        try (ModelStore offline = TestStores.offline(store, "http://127.0.0.1:9")) {
            Resolution pinned = offline.resolve("hf://org/tiny@main/weights/model.bin");
            assertThat(pinned.hit()).isTrue();
            assertThat(Files.readAllBytes(pinned.path())).isEqualTo(weights.bytes());
            assertThat(offline.resolve("hf://org/tiny").path())
                    .isEqualTo(store.resolve("hub/models--org--tiny/snapshots/" + COMMIT));
            Pin pin = offline.lockFile().get("hf://org/tiny@main");
            assertThat(pin.files()).extracting(f -> f.path() + " " + f.sha256())
                    .containsExactly("config.json " + config.sha256(), "weights/model.bin " + weights.sha256());
        }
    }

    @Test
    void aHuggingfaceFolderWithAnEmptyHubIsAnEmptyCacheNotAModelsFolder() throws IOException {
        Path home = Files.createDirectories(work.resolve("other/huggingface/hub"));
        Files.writeString(home.getParent().resolve("token"), "hf_secret");

        MigrationReport report = migrate(home.getParent());

        assertThat(report.importedCount()).isZero();
        assertThat(report.text()).contains("from the Hugging Face cache " + home);
        assertThat(store.resolve("local")).doesNotExist();
    }

    @Test
    void aCorruptedBlobIsSkippedWithItsReasonAndItsRefIsNotPinned() throws IOException {
        byte[] bad = weights.bytes();
        bad[1000] ^= 1;
        Files.write(tiny.blob(weights, true), bad);

        MigrationReport report = migrate(cache);

        assertThat(report.importedCount()).isEqualTo(1);
        assertThat(report.text()).contains("skipped models--org--tiny/blobs/" + weights.sha256()
                + ": its bytes do not match its name (sha256 ").contains("it is corrupted; not imported")
                .contains("skipped models--org--tiny/refs/main: its snapshot " + COMMIT + " was not imported whole");
        assertThat(report.pinnedSources()).isEmpty();
        assertThat(store.resolve("hub/models--org--tiny/blobs/" + weights.sha256())).doesNotExist();
        assertThat(store.resolve("hub/models--org--tiny/snapshots/" + COMMIT + "/config.json")).isRegularFile();
        assertThat(store.resolve("hub/models--org--tiny/snapshots/" + COMMIT + "/weights/model.bin"))
                .doesNotExist();
        assertThat(store.resolve("hub/models--org--tiny/refs/main")).doesNotExist();
    }

    @Test
    void aRepositoryWithoutOrganisationAndAnUnfinishedDownloadAreSkippedWithReasons() throws IOException {
        Files.createDirectories(cache.resolve("models--gpt2/blobs"));
        Files.writeString(tiny.folder().resolve("blobs/" + weights.sha256() + ".incomplete"), "partial");

        MigrationReport report = migrate(cache);

        assertThat(report.text()).contains("skipped models--gpt2: a repository without an organisation")
                .contains("skipped models--org--tiny/blobs/" + weights.sha256() + ".incomplete: an unfinished "
                        + "download");
        assertThat(report.importedCount()).isEqualTo(2);
    }

    @Test
    void aSecondMigrationFindsEverythingPresentAndChangesNothing() throws IOException {
        migrate(cache);
        Map<String, String> after = TreeSnapshot.of(store);

        MigrationReport again = migrate(cache);

        assertThat(again.importedCount()).isZero();
        assertThat(again.text()).contains("already in the store: 2 files");
        assertThat(again.pinnedSources()).isEmpty();
        assertThat(TreeSnapshot.of(store)).isEqualTo(after);
    }

    @Test
    void aDryRunVerifiesAndReportsButWritesNothing() throws IOException {
        MigrationReport report = migrate(cache, true, List.of(), true);

        assertThat(report.text()).startsWith("would import 2 files").contains("would pin hf://org/tiny@main");
        assertThat(store).doesNotExist();
    }

    @Test
    void aDjlCacheGoesToTheFoldersTheDjlCacheHookGivesDjl() throws IOException {
        Path djl = work.resolve(".djl.ai");
        Path model = djl.resolve("cache/repo/model/undefined/ai/djl/localmodelzoo/abc/model.pt");
        Files.createDirectories(model.getParent());
        Files.writeString(model, "weights");
        String here = hereFolder();
        Path engine = djl.resolve("pytorch/" + here + "/libtorch.so");
        Files.createDirectories(engine.getParent());
        Files.writeString(engine, "native");
        Path foreign = djl.resolve("pytorch/2.7.1-cpu-win-x86_64/torch.dll");
        Files.createDirectories(foreign.getParent());
        Files.writeString(foreign, "windows");
        Files.createDirectories(djl.resolve("something-else"));

        MigrationReport report = migrate(djl);

        assertThat(store.resolve("djl/cache/repo/model/undefined/ai/djl/localmodelzoo/abc/model.pt")).hasContent(
                "weights");
        assertThat(store.resolve("engines/pytorch/" + here + "/libtorch.so")).hasContent("native");
        assertThat(store.resolve("engines/pytorch/2.7.1-cpu-win-x86_64")).doesNotExist();
        assertThat(report.text()).contains("from the DJL cache")
                .contains("skipped pytorch/2.7.1-cpu-win-x86_64: engine libraries built for win-x86_64")
                .contains("skipped something-else: not part of a DJL cache");
    }

    @Test
    void withEnginesFalseTheEngineFoldersOfADjlCacheAreSkipped() throws IOException {
        Path djl = work.resolve(".djl.ai");
        Files.createDirectories(djl.resolve("pytorch/" + hereFolder()));
        Files.writeString(djl.resolve("pytorch/" + hereFolder() + "/libtorch.so"), "native");

        MigrationReport report = migrate(djl, false, List.of(), false);

        assertThat(report.text()).contains("skipped pytorch: engine libraries are not kept in the store "
                + "(engines=false)");
        assertThat(store.resolve("engines")).doesNotExist();
    }

    @Test
    void aModelsFolderGoesWhereThePathsKeyWouldPutItAndLinksAreNotFollowed() throws IOException {
        Path legacy = work.resolve("legacy");
        Path models = legacy.resolve("models");
        Files.createDirectories(models.resolve("resnet"));
        Files.writeString(models.resolve("resnet/model.params"), "params");
        Files.createSymbolicLink(models.resolve("outside"), work.resolve("huggingface"));
        Map<String, String> before = TreeSnapshot.of(legacy);

        MigrationReport report = migrate(models, true, List.of(new PathMapping(legacy, Path.of("imported"))), false);

        assertThat(store.resolve("imported/models/resnet/model.params")).hasContent("params");
        assertThat(report.text()).contains("skipped outside: a symbolic link; links are not followed")
                .contains("where the paths entry " + legacy + "=>imported sends it");
        assertThat(TreeSnapshot.of(legacy)).isEqualTo(before);
    }

    @Test
    void aModelsFolderOutsideThePathsKeyGoesToLocalAndTheReportSaysWhichPathsEntryFindsIt() throws IOException {
        Path models = work.resolve("old-models");
        Files.createDirectories(models);
        Files.writeString(models.resolve("a.onnx"), "onnx");

        MigrationReport report = migrate(models);

        assertThat(store.resolve("local/old-models/a.onnx")).hasContent("onnx");
        assertThat(report.text()).contains("with the key paths=" + models + "=>local/old-models");
    }

    @Test
    void aFolderInsideTheStoreOrAMissingFolderIsRefusedWithoutWriting() throws IOException {
        Files.createDirectories(store.resolve("hub"));
        assertThatThrownBy(() -> migrate(store.resolve("hub"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("one is inside the other");
        assertThatThrownBy(() -> migrate(work.resolve("nothing-here"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("it is not a folder");
        assertThat(TreeSnapshot.of(store)).containsOnlyKeys("", "hub");
    }

    @Test
    void aCacheOnAnotherFileSystemIsCopiedAndTheReportSaysSo() throws IOException {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(work)), "needs /dev/shm on another file system");
        Path other = Files.createTempDirectory(shm, "migrate-test");
        try {
            HubCacheFolder.model(other, "org", "tiny").file(COMMIT, "config.json", config, false).ref("main", COMMIT);

            MigrationReport report = migrate(other);

            assertThat(report.text()).contains("0 hard-linked, 1 copied");
            assertThat(store.resolve("hub/models--org--tiny/snapshots/" + COMMIT + "/config.json"))
                    .hasBinaryContent(config.bytes());
        } finally {
            try (var all = Files.walk(other)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String hereFolder() {
        String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        return "2.7.1-cpu-" + (os.contains("mac") ? "osx" : os.contains("win") ? "win" : "linux") + "-" + arch;
    }
}
