package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import dev.modelredirect.testing.TestStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    @TempDir
    Path root;

    FakeHub hub;
    FakeHub.Repo repo;
    Content config = Content.of("{\"hidden_size\": 8}\n");
    Content weights = Content.synthetic(400_000, 3);
    Content vocab = Content.of("a\nb\nc\n");

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        repo = hub.model("org/tiny").file("config.json", config, false).lfs("weights/model.bin", weights)
                .file("tokenizer/vocab.txt", vocab, false);
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private ModelStore store() {
        return TestStores.open(root, hub.endpoint());
    }

    private Path repoDir() {
        return root.resolve("hub/models--org--tiny");
    }

    @Test
    void aHubFileIsDownloadedIntoTheHubCacheLayout() throws Exception {
        try (ModelStore store = store()) {
            Resolution resolution = store.resolve("hf://org/tiny/weights/model.bin");
            assertThat(resolution.hit()).isFalse();
            assertThat(resolution.bytesDownloaded()).isEqualTo(weights.size());
            Path snapshot = repoDir().resolve("snapshots/" + repo.commit() + "/weights/model.bin");
            assertThat(resolution.path()).isEqualTo(snapshot);
            assertThat(Files.isSymbolicLink(snapshot)).isTrue();
            assertThat(Files.readSymbolicLink(snapshot).toString()).isEqualTo("../../../blobs/" + weights.sha256());
            assertThat(Files.readString(repoDir().resolve("refs/main"))).isEqualTo(repo.commit());
            assertThat(Hashes.sha256(snapshot)).isEqualTo(weights.sha256());
            assertThat(resolution.relativePath())
                    .isEqualTo("hub/models--org--tiny/snapshots/" + repo.commit() + "/weights/model.bin");
        }
    }

    @Test
    void aSmallFileIsNamedByItsGitBlobHash() throws Exception {
        try (ModelStore store = store()) {
            Path path = store.resolve("hf://org/tiny/config.json").path();
            assertThat(Files.readSymbolicLink(path).toString()).isEqualTo("../../blobs/" + config.gitSha1());
            assertThat(Files.readAllBytes(path)).isEqualTo(config.bytes());
        }
    }

    @Test
    void aSecondResolutionIsAHitWithoutAnyRequest() throws Exception {
        try (ModelStore store = store()) {
            store.resolve("hf://org/tiny/weights/model.bin");
        }
        hub.clearRequests();
        try (ModelStore store = store()) {
            Resolution again = store.resolve("hf://org/tiny/weights/model.bin");
            assertThat(again.hit()).isTrue();
            assertThat(again.describe()).endsWith("(hit)");
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void aPinnedSourceResolvesWithTheServerGone() throws Exception {
        try (ModelStore store = store()) {
            store.resolve("hf://org/tiny");
        }
        hub.close();
        try (ModelStore store = store()) {
            Resolution again = store.resolve("hf://org/tiny");
            assertThat(again.hit()).isTrue();
            assertThat(again.path()).isEqualTo(repoDir().resolve("snapshots/" + repo.commit()));
        }
    }

    @Test
    void aWholeSnapshotComesThroughTheRevisionAndTreeApisAcrossPages() throws Exception {
        hub.treePageSize(2);
        try (ModelStore store = store()) {
            Resolution resolution = store.resolve("hf://org/tiny@main");
            Path snapshot = repoDir().resolve("snapshots/" + repo.commit());
            assertThat(resolution.path()).isEqualTo(snapshot);
            assertThat(Files.readAllBytes(snapshot.resolve("config.json"))).isEqualTo(config.bytes());
            assertThat(Files.readAllBytes(snapshot.resolve("tokenizer/vocab.txt"))).isEqualTo(vocab.bytes());
            assertThat(Hashes.sha256(snapshot.resolve("weights/model.bin"))).isEqualTo(weights.sha256());
            assertThat(repoDir().resolve("trees/" + repo.commit() + ".json")).exists();
        }
        assertThat(hub.requests().stream().filter(r -> r.path().contains("/tree/")).count()).isGreaterThan(1);
    }

    @Test
    void theLockFileRecordsCommitSizesAndSha256OfEveryFile() throws Exception {
        try (ModelStore store = store()) {
            store.resolve("hf://org/tiny");
        }
        Map<String, Object> lock = Json.parseObject(Files.readString(root.resolve("models.lock")));
        @SuppressWarnings("unchecked")
        Map<String, Object> pin = (Map<String, Object>) ((Map<String, Object>) lock.get("sources")).get("hf://org/tiny");
        assertThat(pin).containsEntry("commit", repo.commit()).containsEntry("revision", "main")
                .containsEntry("repo", "org/tiny");
        assertThat(pin.get("files").toString()).contains("sha256=" + config.sha256())
                .contains("sha256=" + weights.sha256()).contains("size=" + weights.size());
    }

    @Test
    void aPinIsHonouredEvenAfterTheBranchMoves() throws Exception {
        try (ModelStore store = store()) {
            store.resolve("hf://org/tiny/config.json");
        }
        String pinned = repo.commit();
        repo.newCommit();
        Files.delete(repoDir().resolve("snapshots/" + pinned + "/config.json"));
        Files.delete(repoDir().resolve("blobs/" + config.gitSha1()));
        try (ModelStore store = store()) {
            Resolution again = store.resolve("hf://org/tiny/config.json");
            assertThat(again.path()).isEqualTo(repoDir().resolve("snapshots/" + pinned + "/config.json"));
        }
        assertThat(hub.requests("HEAD")).last().satisfies(r -> assertThat(r.path()).contains(pinned));
    }

    @Test
    void aPlainUrlIsStoredByHostAndPathWithItsIntegrityRecord() throws Exception {
        String url = "http://127.0.0.1:" + hub.cdnPort() + "/blobs/" + weights.sha256();
        try (ModelStore store = store()) {
            Resolution resolution = store.resolve(url);
            Path expected = root.resolve("url/127.0.0.1_" + hub.cdnPort() + "/blobs/" + weights.sha256());
            assertThat(resolution.path()).isEqualTo(expected);
            assertThat(Hashes.sha256(expected)).isEqualTo(weights.sha256());
            Map<String, Object> meta = Json.parseObject(Files.readString(UrlLayout.meta(expected)));
            assertThat(meta).containsEntry("sha256", weights.sha256()).containsEntry("size", weights.size())
                    .containsEntry("etag", "\"" + weights.sha256() + "\"");
        }
        hub.clearRequests();
        try (ModelStore store = store()) {
            assertThat(store.resolve(url).hit()).isTrue();
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void aMirroredUrlIsFetchedFromTheMirrorButStoredAndPinnedUnderItsOwnUrl() throws Exception {
        String url = "https://github.com/org/repo/raw/main/blobs/" + weights.sha256();
        ModelStore.Options o = TestStores.options(root, hub.endpoint());
        ModelStore.Options mirrored = new ModelStore.Options(o.root(), o.lockfile(), o.endpoint(), o.token(),
                false, o.retry(), o.downloads(), o.progress(), o.network(), List.of(new dev.modelredirect.config.UrlMirror(
                        "https://github.com/org/repo/raw/main/", "http://127.0.0.1:" + hub.cdnPort() + "/")),
                o.djlEndpoint());
        try (ModelStore store = new ModelStore(mirrored)) {
            Resolution resolution = store.resolve(url);
            Path expected = root.resolve("url/github.com/org/repo/raw/main/blobs/" + weights.sha256());
            assertThat(resolution.path()).isEqualTo(expected);
            assertThat(Hashes.sha256(expected)).isEqualTo(weights.sha256());
            Map<String, Object> meta = Json.parseObject(Files.readString(UrlLayout.meta(expected)));
            assertThat(meta).containsEntry("url", url).containsEntry("finalUrl", url);
        }
        assertThat(hub.requests()).extracting(FakeHub.Seen::path).contains("/blobs/" + weights.sha256());
        String lock = Files.readString(root.resolve("models.lock"));
        assertThat(lock).contains("\"" + url + "\"").doesNotContain("127.0.0.1:" + hub.cdnPort());
        hub.clearRequests();
        try (ModelStore store = store()) {
            Resolution again = store.resolve(url);
            assertThat(again.hit()).isTrue();
            assertThat(again.path()).isEqualTo(root.resolve("url/github.com/org/repo/raw/main/blobs/"
                    + weights.sha256()));
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void aRawUrlOfTheHubIsTheSameFileAsItsResolveUrl() throws Exception {
        String raw = hub.endpoint() + "/org/tiny/raw/main/weights/model.bin";
        try (ModelStore store = store()) {
            Resolution resolution = store.resolve(raw);
            assertThat(resolution.path()).startsWithRaw(repoDir().resolve("snapshots"));
            assertThat(Hashes.sha256(resolution.path())).isEqualTo(weights.sha256());
        }
        hub.clearRequests();
        try (ModelStore store = store()) {
            Resolution resolve = store.resolve(hub.endpoint() + "/org/tiny/resolve/main/weights/model.bin");
            assertThat(resolve.path()).isEqualTo(store.resolve(raw).path());
        }
        assertThat(hub.requests()).noneMatch(seen -> seen.server().equals("cdn"));
    }

    @Test
    void offlineAMissFailsNamingTheSourceAndThePullCommandAndOpensNoConnection() throws Exception {
        try (ModelStore store = TestStores.offline(root, hub.endpoint())) {
            assertThatThrownBy(() -> store.resolve("hf://org/tiny/config.json"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("hf://org/tiny/config.json")
                    .hasMessageContaining("offline=true")
                    .hasMessageContaining("pull hf://org/tiny/config.json");
        }
        assertThat(hub.requests()).isEmpty();
        assertThat(listing(root)).containsExactly("");
    }

    @Test
    void offlineAHitIsServed() throws Exception {
        try (ModelStore store = store()) {
            store.resolve("hf://org/tiny/config.json");
        }
        hub.clearRequests();
        try (ModelStore store = TestStores.offline(root, hub.endpoint())) {
            assertThat(store.resolve("hf://org/tiny/config.json").hit()).isTrue();
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void aReadOnlyStoreServesHitsAndFailsAMissWritingNothing() throws Exception {
        try (ModelStore store = store()) {
            store.resolve("hf://org/tiny/config.json");
        }
        List<String> before = listing(root);
        hub.clearRequests();
        try (ReadOnlyMount readOnly = ReadOnlyMount.of(root);
                ModelStore store = TestStores.open(readOnly.path(), hub.endpoint())) {
            assertThat(store.isReadOnly()).isTrue();
            assertThat(store.resolve("hf://org/tiny/config.json").hit()).isTrue();
            assertThatThrownBy(() -> store.resolve("hf://org/tiny/weights/model.bin"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("read-only")
                    .hasMessageContaining("pull hf://org/tiny/weights/model.bin --store");
        }
        assertThat(hub.requests()).isEmpty();
        assertThat(listing(root)).isEqualTo(before);
    }

    @Test
    void manyThreadsAskingForTheSameFileCauseOneDownload() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ModelStore store = store()) {
            List<Future<Resolution>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<Resolution> task = () -> store.resolve("hf://org/tiny/weights/model.bin");
                results.add(pool.submit(task));
            }
            for (Future<Resolution> result : results) {
                assertThat(Hashes.sha256(result.get().path())).isEqualTo(weights.sha256());
            }
        } finally {
            pool.shutdown();
        }
        long bytesServed = hub.requests("GET").stream().filter(r -> r.server().equals("cdn"))
                .mapToLong(r -> rangeLength(r.header("Range"), weights.size())).sum();
        assertThat(bytesServed).isEqualTo(weights.size());
    }

    @Test
    void aMissingFileLeavesANoExistMarkerAndIsThenAnsweredLocally() throws Exception {
        try (ModelStore store = store()) {
            store.resolve("hf://org/tiny/config.json");
            assertThatThrownBy(() -> store.resolve("hf://org/tiny/missing.txt"))
                    .hasMessageContaining("'missing.txt' does not exist in org/tiny");
        }
        assertThat(repoDir().resolve(".no_exist/" + repo.commit() + "/missing.txt")).exists();
        hub.clearRequests();
        try (ModelStore store = store()) {
            assertThatThrownBy(() -> store.resolve("hf://org/tiny/missing.txt"))
                    .hasMessageContaining("does not exist");
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void errorsOfTheHubSayWhatToDo() throws Exception {
        hub.model("org/gated").file("a.txt", "secret").gated("hf_right");
        try (ModelStore store = store()) {
            assertThatThrownBy(() -> store.resolve("hf://org/nope/a.txt"))
                    .hasMessageContaining("org/nope was not found").hasMessageContaining("HF_TOKEN");
            assertThatThrownBy(() -> store.resolve("hf://org/tiny@v9/config.json"))
                    .hasMessageContaining("revision 'v9' does not exist");
            assertThatThrownBy(() -> store.resolve("hf://org/gated/a.txt"))
                    .hasMessageContaining("gated").hasMessageContaining("token").hasMessageContaining("HF_TOKEN");
        }
        assertThat(root.resolve("hub")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(),
                p -> assertThat(listing(p)).noneMatch(name -> name.contains("blobs/")));
    }

    @Test
    void theTokenReachesTheHubButNeverTheCdn() throws Exception {
        hub.model("org/gated").lfs("w.bin", weights).gated("hf_right");
        try (ModelStore store = TestStores.withToken(root, hub.endpoint(), "hf_right")) {
            assertThat(Hashes.sha256(store.resolve("hf://org/gated/w.bin").path())).isEqualTo(weights.sha256());
        }
        assertThat(hub.requests()).filteredOn(r -> r.server().equals("hub"))
                .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer hf_right"));
        assertThat(hub.requests()).filteredOn(r -> r.server().equals("cdn")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.header("Authorization")).isNull());
    }

    @Test
    void aRenamedRepositoryIsFollowedThroughItsRelativeRedirect() throws Exception {
        hub.model("neworg/tiny").file("config.json", config, false);
        hub.rename("oldorg/tiny", "neworg/tiny");
        try (ModelStore store = store()) {
            Path path = store.resolve("hf://oldorg/tiny/config.json").path();
            assertThat(Files.readAllBytes(path)).isEqualTo(config.bytes());
        }
    }

    @Test
    void aCacheWrittenByTheHubClientsIsReadAsAHit() throws Exception {
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path dir = root.resolve("hub/models--py--written");
        Files.createDirectories(dir.resolve("blobs"));
        Files.createDirectories(dir.resolve("refs"));
        Files.createDirectories(dir.resolve("snapshots/" + commit));
        Files.write(dir.resolve("blobs/" + config.gitSha1()), config.bytes());
        Files.writeString(dir.resolve("refs/main"), commit);
        Files.createSymbolicLink(dir.resolve("snapshots/" + commit + "/config.json"),
                Path.of("../../blobs/" + config.gitSha1()));
        try (ModelStore store = store()) {
            Resolution resolution = store.resolve("hf://py/written/config.json");
            assertThat(resolution.hit()).isTrue();
            assertThat(store.which("hf://py/written/config.json")).contains(resolution.path());
        }
        assertThat(hub.requests()).isEmpty();
        assertThat(Files.readString(root.resolve("models.lock"))).contains(config.sha256());
    }

    @Test
    void whichFindsAWholeSnapshotAnotherHubClientWroteWithoutAFileList() throws Exception {
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path dir = root.resolve("hub/models--js--written");
        Files.createDirectories(dir.resolve("blobs"));
        Files.createDirectories(dir.resolve("refs"));
        Files.createDirectories(dir.resolve("snapshots/" + commit));
        Files.write(dir.resolve("blobs/" + config.gitSha1()), config.bytes());
        Files.writeString(dir.resolve("refs/main"), commit);
        Files.createSymbolicLink(dir.resolve("snapshots/" + commit + "/config.json"),
                Path.of("../../blobs/" + config.gitSha1()));
        try (ModelStore store = store()) {
            assertThat(store.which("hf://js/written")).contains(dir.resolve("snapshots/" + commit));
            assertThat(store.resolve("hf://js/written").path()).isEqualTo(dir.resolve("snapshots/" + commit));
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void whichNeverConnectsAndAnswersEmptyForAMiss() throws Exception {
        try (ModelStore store = store()) {
            assertThat(store.which("hf://org/tiny/config.json")).isEmpty();
            store.resolve("hf://org/tiny/config.json");
            hub.clearRequests();
            assertThat(store.which("hf://org/tiny/config.json")).isPresent();
            assertThat(store.which("hf://org/tiny")).isEmpty();
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void aServerListingAnEscapingPathIsRefusedBeforeAnythingIsWritten() throws Exception {
        hub.model("evil/repo").file("ok.txt", "fine").file("../../../escape.txt", "pwned");
        try (ModelStore store = store()) {
            assertThatThrownBy(() -> store.resolve("hf://evil/repo"))
                    .hasMessageContaining("unsafe path");
        }
        try (Stream<Path> all = Files.walk(root.getParent())) {
            assertThat(all).noneMatch(p -> p.getFileName().toString().equals("escape.txt"));
        }
    }

    @Test
    void aCorruptedDownloadPublishesNothing() throws Exception {
        hub.fault(r -> r.server().equals("cdn"), 100, FakeHub.FaultKind.CORRUPT, 0, null, 0);
        try (ModelStore store = store()) {
            assertThatThrownBy(() -> store.resolve("hf://org/tiny/weights/model.bin"))
                    .hasMessageContaining("do not verify");
        }
        assertThat(listing(root)).noneMatch(name -> name.contains("snapshots/") || name.endsWith(weights.sha256()))
                .noneMatch(name -> name.endsWith(".incomplete"));
        assertThat(root.resolve("models.lock")).doesNotExist();
    }

    static long rangeLength(String range, long size) {
        if (range == null) {
            return size;
        }
        String[] parts = range.substring("bytes=".length()).split("-");
        long from = Long.parseLong(parts[0]);
        long to = parts.length > 1 ? Long.parseLong(parts[1]) + 1 : size;
        return to - from;
    }

    static List<String> listing(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** Hashes for assertions. */
    static final class Hashes {
        static String sha256(Path file) throws Exception {
            return dev.modelredirect.fetch.Hashing.sha256Of(file);
        }
    }
}
