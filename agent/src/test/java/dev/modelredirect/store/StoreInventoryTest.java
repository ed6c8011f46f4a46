package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreInventoryTest {
    @TempDir
    Path root;

    FakeHub hub;
    FakeHub.Repo repo;
    Content config = Content.of("{\"hidden_size\": 8}\n");
    Content weights = Content.synthetic(100_000, 9);

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        repo = hub.model("org/tiny").file("config.json", config, false).lfs("weights/model.bin", weights);
        hub.model("org/gone").file("a.txt", "a");
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private StoreInventory inventory() {
        try (ModelStore store = TestStores.offline(root, hub.endpoint())) {
            return StoreInventory.of(store);
        }
    }

    /** A repository as another Hub client leaves it: a ref, a snapshot link, a blob; no pin, no file list. */
    private void cacheOfAnotherClient() throws Exception {
        Path dir = root.resolve("hub/datasets--someone--data");
        String commit = "c".repeat(40);
        Files.createDirectories(dir.resolve("refs"));
        Files.writeString(dir.resolve("refs/main"), commit);
        Files.createDirectories(dir.resolve("blobs"));
        Files.writeString(dir.resolve("blobs/" + "d".repeat(40)), "rows");
        Path link = dir.resolve("snapshots/" + commit + "/data.csv");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of("../../blobs/" + "d".repeat(40)));
    }

    @Test
    void rowsListPinsWithTheirFilesSizeAndLastUseThenWhatNoPinNames() throws Exception {
        try (ModelStore store = TestStores.open(root, hub.endpoint())) {
            store.resolve("hf://org/tiny");
            store.resolve("hf://org/gone/a.txt");
        }
        Files.delete(root.resolve("hub/models--org--gone/snapshots/" + hub.model("org/gone").commit() + "/a.txt"));
        cacheOfAnotherClient();
        List<StoreInventory.Row> rows = inventory().rows();
        assertThat(rows).extracting(StoreInventory.Row::source)
                .containsExactly("hf://org/gone/a.txt", "hf://org/tiny", "hf://datasets/someone/data");
        StoreInventory.Row tiny = rows.get(1);
        assertThat(tiny.pinned()).isTrue();
        assertThat(tiny.revision()).isEqualTo(repo.commit());
        assertThat(tiny.files()).isEqualTo(2);
        assertThat(tiny.bytes()).isEqualTo(config.size() + weights.size());
        assertThat(tiny.lastUse()).isPresent();
        StoreInventory.Row gone = rows.get(0);
        assertThat(gone.complete()).isFalse();
        assertThat(gone.files()).isZero();
        assertThat(gone.filesPinned()).isEqualTo(1);
        StoreInventory.Row other = rows.get(2);
        assertThat(other.pinned()).isFalse();
        assertThat(other.revision()).isEqualTo("c".repeat(40));
        assertThat(other.files()).isEqualTo(1);
        assertThat(other.bytes()).isEqualTo(4);
        assertThat(other.lastUse()).isEmpty();
    }

    @Test
    void repositoriesAreReadFromTheirFolderNamesAndOthersAreSkipped() throws Exception {
        cacheOfAnotherClient();
        Files.createDirectories(root.resolve("hub/not-a-repo"));
        Files.createDirectories(root.resolve("hub/models--bad--name--x"));
        Files.write(root.resolve("hub/datasets--someone--data/refs/garbage"), new byte[] {(byte) 0xff, 0, 1});
        assertThat(inventory().hubRepos()).singleElement().satisfies(r -> {
            assertThat(r.repo()).isEqualTo(new RepoId(RepoType.DATASET, "someone", "data"));
            assertThat(r.refs()).containsOnly(java.util.Map.entry("main", "c".repeat(40)));
            assertThat(r.blobs()).containsEntry("d".repeat(40), 4L);
        });
        assertThat(inventory().snapshotFiles(inventory().hubRepos().get(0))).singleElement()
                .satisfies(f -> assertThat(f.blob()).isEqualTo("d".repeat(40)));
    }

    @Test
    void temporaryFilesAreFoundAndOnlyThoseNoProcessWillFinishAreAbandoned() throws Exception {
        Path blobs = root.resolve("hub/models--org--tiny/blobs");
        Files.createDirectories(blobs);
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Files.write(blobs.resolve("e.p999999999-1.incomplete"), new byte[3]);
        Files.write(blobs.resolve("e.p" + parent + "-2.incomplete"), new byte[3]);
        Files.createDirectories(root.resolve("url/h"));
        Path oldTemp = Files.writeString(root.resolve("url/h/.f.bin.9f.tmp"), "x");
        Files.setLastModifiedTime(oldTemp, FileTime.from(Instant.now().minusSeconds(3600)));
        Files.writeString(root.resolve(".models.lock.a1.tmp"), "fresh");
        assertThat(inventory().leftovers()).extracting(l -> l.path().getFileName().toString() + "=" + l.abandoned())
                .containsExactlyInAnyOrder("e.p999999999-1.incomplete=true", "e.p" + parent + "-2.incomplete=false",
                        ".f.bin.9f.tmp=true", ".models.lock.a1.tmp=false");
    }

    @Test
    void temporaryNamesAreRecognised() {
        assertThat(StoreInventory.isTemporary("abc.p12-3f.incomplete")).isTrue();
        assertThat(StoreInventory.isTemporary(".config.json.0a1b.tmp")).isTrue();
        assertThat(StoreInventory.isTemporary("config.json")).isFalse();
        assertThat(StoreInventory.isTemporary("weights.tmp")).isFalse();
    }
}
