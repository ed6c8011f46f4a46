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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceRemoverTest {
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

    private SourceRemover remover(Path storeRoot, boolean dryRun) {
        try (ModelStore store = TestStores.offline(storeRoot, hub.endpoint())) {
            return new SourceRemover(StoreInventory.of(store), hub.endpoint(), dryRun);
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
    void rmRemovesThePinAndTheBlobsNoOtherPinUsesAndSaysHowMuchCameBack() throws Exception {
        StoreCleanup.Outcome outcome = remover(root, false).remove("hf://org/tiny");
        assertThat(lockFile()).doesNotContain("\"hf://org/tiny\"").contains("\"hf://org/tiny/config.json\"");
        assertThat(blob(weights.sha256())).doesNotExist();
        assertThat(repoDir().resolve("snapshots/" + repo.commit() + "/weights")).doesNotExist();
        assertThat(blob(config.gitSha1())).exists();
        assertThat(repoDir().resolve("snapshots/" + repo.commit() + "/config.json")).exists();
        assertThat(outcome.bytes()).isEqualTo(weights.size());
        try (ModelStore store = TestStores.offline(root, hub.endpoint())) {
            assertThat(store.resolve("hf://org/tiny/config.json").hit()).isTrue();
        }
    }

    @Test
    void rmOfTheLastSourceOfARepositoryRemovesItsFolderAndItsLastUseStamp() throws Exception {
        remover(root, false).remove("hf://org/tiny");
        remover(root, false).remove("hf://org/tiny/config.json");
        assertThat(repoDir()).doesNotExist();
        assertThat(root.resolve("hub/.locks/models--org--tiny")).doesNotExist();
        assertThat(new LastUse(root).of("hf://org/tiny/config.json")).isEmpty();
        assertThat(lockFile()).doesNotContain("org/tiny");
    }

    @Test
    void rmAlsoRemovesTheUnpackedFolderOfItsArchiveEvenInADryRunReport() throws Exception {
        Path unpacked = root.resolve("unpacked/" + UnpackedLayout.key(blob(weights.sha256()).toRealPath()) + "/m");
        Files.createDirectories(unpacked);
        Files.writeString(unpacked.resolve("m.params"), "unpacked");
        assertThat(remover(root, true).remove("hf://org/tiny").removed()).extracting(StoreCleanup.Removed::path)
                .contains(unpacked.getParent());
        assertThat(unpacked).exists();
        remover(root, false).remove("hf://org/tiny");
        assertThat(unpacked.getParent()).doesNotExist();
    }

    @Test
    void rmFindsASourceSpelledWithTheDefaultRevision() throws Exception {
        remover(root, false).remove("hf://org/tiny@main");
        assertThat(lockFile()).doesNotContain("\"hf://org/tiny\"");
    }

    @Test
    void rmOfAnUnknownSourceNamesCloseMatchesAndChangesNothing() throws Exception {
        String before = lockFile();
        assertThatThrownBy(() -> remover(root, false).remove("hf://org/tiny/confg.json"))
                .isInstanceOf(StoreException.class).hasMessageContaining("did you mean")
                .hasMessageContaining("hf://org/tiny/config.json").hasMessageContaining("list");
        assertThat(lockFile()).isEqualTo(before);
    }

    @Test
    void rmOfAnUnpinnedRepositoryRemovesItsFolderWhole() throws Exception {
        Path other = root.resolve("hub/models--someone--cached/blobs/abc");
        Files.createDirectories(other.getParent());
        Files.writeString(other, "written by another Hub client");
        StoreCleanup.Outcome outcome = remover(root, false).remove("hf://someone/cached");
        assertThat(root.resolve("hub/models--someone--cached")).doesNotExist();
        assertThat(outcome.bytes()).isEqualTo(29);
    }

    @Test
    void aDryRunSaysWhatWouldGoAndDeletesNothing() throws Exception {
        String before = lockFile();
        StoreCleanup.Outcome outcome = remover(root, true).remove("hf://org/tiny");
        assertThat(outcome.removed()).extracting(StoreCleanup.Removed::path).contains(blob(weights.sha256()));
        assertThat(blob(weights.sha256())).exists();
        assertThat(lockFile()).isEqualTo(before);
    }

    @Test
    void aCommittedLockFileWhosePinClimbsOutOfTheStoreDeletesNothingAnywhere() throws Exception {
        Path victim = Files.createDirectories(root.resolveSibling(root.getFileName() + "-victim").resolve("keep"));
        try {
            Files.writeString(victim.resolve("important.txt"), "keep me");
            String climb = "../../../../" + victim.getParent().getFileName();
            Files.writeString(root.resolve("models.lock"), lockFile().replace(repo.commit(), climb));
            String before = listing();
            assertThatThrownBy(() -> remover(root, false).remove("hf://org/tiny"))
                    .isInstanceOf(StoreException.class).hasMessageContaining("is not valid")
                    .hasMessageContaining("is not a 40-hex commit id");
            assertThat(victim.resolve("important.txt")).hasContent("keep me");
            assertThat(listing()).isEqualTo(before);
        } finally {
            Files.deleteIfExists(victim.resolve("important.txt"));
            Files.deleteIfExists(victim);
            Files.deleteIfExists(victim.getParent());
        }
    }

    @Test
    void aReadOnlyStoreIsRefusedNamingTheStoreAndNothingChanges() throws Exception {
        aged(Files.writeString(blob("0".repeat(64)), "orphan"));
        String before = listing();
        try (ReadOnlyMount mount = ReadOnlyMount.of(root)) {
            assertThatThrownBy(() -> remover(mount.path(), false).remove("hf://org/tiny"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("the store " + mount.path() + " is read-only").hasMessageContaining("`rm`");
        }
        assertThat(listing()).isEqualTo(before);
    }

    @Test
    void aReadOnlyLockFileIsRefusedBeforeAnythingIsDeleted() throws Exception {
        Path lockDir = Files.createDirectories(root.resolveSibling(root.getFileName() + "-lock"));
        Files.copy(root.resolve("models.lock"), lockDir.resolve("models.lock"));
        try (ReadOnlyMount mount = ReadOnlyMount.of(lockDir)) {
            LockFile readOnlyLock = new LockFile(mount.path().resolve("models.lock"), root.resolve(".locks/l.lock"));
            SourceRemover remover = new SourceRemover(new StoreInventory(root, readOnlyLock, false), hub.endpoint(),
                    false);
            assertThatThrownBy(() -> remover.remove("hf://org/tiny")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("the lock file " + mount.path().resolve("models.lock") + " is read-only")
                    .hasMessageContaining("--lockfile");
        } finally {
            try (Stream<Path> all = Files.walk(lockDir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertThat(blob(weights.sha256())).exists();
    }

    private String listing() throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return String.join("\n", all.filter(p -> !p.getFileName().toString().startsWith("ro-view"))
                    .map(Path::toString).sorted().toList()) + lockFile();
        }
    }
}
