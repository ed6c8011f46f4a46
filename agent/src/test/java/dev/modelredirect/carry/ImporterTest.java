package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.archive.TarWriter;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import dev.modelredirect.store.GarbageCollector;
import dev.modelredirect.store.HubLayout;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.NamedLocks;
import dev.modelredirect.store.Pin;
import dev.modelredirect.store.PinnedFile;
import dev.modelredirect.store.StoreCleanup;
import dev.modelredirect.store.StoreInventory;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import dev.modelredirect.store.StoreException;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import dev.modelredirect.testing.TestStores;
import dev.modelredirect.testing.TreeSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImporterTest {
    @TempDir
    Path work;

    FakeHub hub;
    String commit;
    Content weights = Content.synthetic(200_000, 9);
    Path archive;
    Path storeB;

    @BeforeEach
    void exportATinyRepositoryFromStoreA() throws IOException {
        hub = new FakeHub();
        commit = hub.model("org/tiny").file("config.json", "{}").lfs("weights/model.bin", weights).commit();
        archive = work.resolve("tiny.tar");
        try (ModelStore a = TestStores.open(work.resolve("a"), hub.endpoint())) {
            a.resolve("hf://org/tiny");
        }
        try (ModelStore a = TestStores.offline(work.resolve("a"), hub.endpoint())) {
            new Exporter(a).export(List.of("hf://org/tiny"), archive);
        }
        storeB = work.resolve("b");
        Files.createDirectories(storeB);
        Files.writeString(storeB.resolve("keep.txt"), "the store's own file");
        hub.clearRequests();
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    private static LockFile lockOf(Path store) {
        return new LockFile(store.resolve("models.lock"), store.resolve(".locks/models.lock.lock"));
    }

    private Importer.Result importInto(Path store, Path tar) throws IOException {
        return new Importer(store, lockOf(store)).importArchive(tar);
    }

    @Test
    void anImportedArchiveResolvesOfflineWithTheSamePinsAndNoRequest() throws IOException {
        Importer.Result result = importInto(storeB, archive);

        assertThat(result.sources()).containsExactly("hf://org/tiny");
        assertThat(result.files()).isEqualTo(2);
        assertThat(result.bytes()).isEqualTo(2 + weights.size());
        assertThat(lockOf(storeB).all()).isEqualTo(lockOf(work.resolve("a")).all());
        try (ModelStore b = TestStores.offline(storeB, hub.endpoint())) {
            Resolution snapshot = b.resolve("hf://org/tiny");
            assertThat(snapshot.hit()).isTrue();
            assertThat(snapshot.path()).isEqualTo(storeB.resolve("hub/models--org--tiny/snapshots/" + commit));
            assertThat(snapshot.path().resolve("weights/model.bin")).hasBinaryContent(weights.bytes());
            assertThat(b.which("hf://org/tiny@main/config.json")).isPresent();
            assertThat(b.which("hf://org/tiny@main")).as("another spelling of the whole snapshot")
                    .contains(storeB.resolve("hub/models--org--tiny/snapshots/" + commit));
        }
        assertThat(hub.requests()).isEmpty();
        assertThat(TreeSnapshot.of(storeB).keySet()).noneMatch(name -> name.contains(".import"));
    }

    @Test
    void aDjlZooModelIsCarriedWithItsPinAndResolvesOfflineInTheOtherStore() throws IOException {
        Path a = work.resolve("zoo-a");
        String folder = "zoo/model/nlp/text_embedding/ai/djl/g/org/name/";
        Files.createDirectories(a.resolve(folder + "0.0.1"));
        Files.writeString(a.resolve(folder + "metadata.json"), "{\"artifacts\": [{\"version\": \"0.0.1\", "
                + "\"files\": {\"model\": {\"uri\": \"0.0.1/name.zip\"}}}]}");
        Files.writeString(a.resolve(folder + "0.0.1/name.zip"), "zip bytes");
        lockOf(a).put("djl://ai.djl.g/org/name", new dev.modelredirect.store.Pin.Djl("ai.djl.g", "org/name",
                "nlp/text_embedding", "0.0.1", List.of(
                        new dev.modelredirect.store.PinnedFile(folder + "0.0.1/name.zip", 9,
                                dev.modelredirect.fetch.Hashing.sha256Of(a.resolve(folder + "0.0.1/name.zip")), null),
                        new dev.modelredirect.store.PinnedFile(folder + "metadata.json", Files.size(a.resolve(folder + "metadata.json")),
                                dev.modelredirect.fetch.Hashing.sha256Of(a.resolve(folder + "metadata.json")),
                                null))));
        Path tar = work.resolve("zoo.tar");
        try (ModelStore store = TestStores.offline(a, hub.endpoint())) {
            new Exporter(store).export(List.of("djl://ai.djl.g/org/name"), tar);
        }

        Importer.Result result = importInto(storeB, tar);

        assertThat(result.sources()).containsExactly("djl://ai.djl.g/org/name");
        assertThat(lockOf(storeB).all()).isEqualTo(lockOf(a).all());
        try (ModelStore b = TestStores.offline(storeB, hub.endpoint())) {
            assertThat(b.which("djl://ai.djl.g/org/name")).contains(storeB.resolve(folder.substring(0,
                    folder.length() - 1)));
            assertThat(b.resolve("djl://ai.djl.g/org/name").hit()).isTrue();
        }
        assertThat(storeB.resolve(folder + "0.0.1/name.zip")).hasContent("zip bytes");
    }

    @Test
    void importingTheSameArchiveAgainChangesNothing() throws IOException {
        importInto(storeB, archive);
        Map<String, String> once = TreeSnapshot.of(storeB);

        Importer.Result again = importInto(storeB, archive);

        assertThat(again.sources()).isEmpty();
        assertThat(again.unchanged()).containsExactly("hf://org/tiny");
        assertThat(again.alreadyPresent()).isEqualTo(2);
        assertThat(TreeSnapshot.of(storeB)).isEqualTo(once);
    }

    @Test
    void hostileEntriesAreRefusedAndLeaveTheStoreAsItWas() throws IOException {
        String repo = "hub/models--org--tiny/";
        Map<String, byte[]> hostile = new java.util.LinkedHashMap<>();
        hostile.put("../escaped.txt", file("../escaped.txt"));
        hostile.put("hub/../../escaped.txt", file("hub/../../escaped.txt"));
        hostile.put("/tmp/absolute.txt", file("/tmp/absolute.txt"));
        hostile.put(repo + "snapshots/" + commit + "/evil", symlink(repo + "snapshots/" + commit + "/evil",
                "../../../../../etc/passwd"));
        hostile.put(repo + "snapshots/" + commit + "/abs", symlink(repo + "snapshots/" + commit + "/abs",
                "/etc/passwd"));
        hostile.put(repo + "snapshots/" + commit + "/other", symlink(repo + "snapshots/" + commit + "/other",
                "../../../models--org--else/blobs/x"));
        hostile.put(repo + "blobs/hard", special(repo + "blobs/hard", '1', "../../../../etc/passwd"));
        hostile.put(repo + "blobs/hard2", special(repo + "blobs/hard2", '1', "/etc/passwd"));
        hostile.put(repo + "blobs/dev", special(repo + "blobs/dev", '3', ""));
        hostile.put(repo + "blobs/fifo", special(repo + "blobs/fifo", '6', ""));
        hostile.put("etc/profile", file("etc/profile"));
        hostile.put("hub", symlink("hub", "/"));
        hostile.put(repo + "refs/v2", file(repo + "refs/v2", "2".repeat(40)));
        hostile.put(repo + "commit/" + commit, file(repo + "commit/" + commit));
        String tree = repo + "trees/" + "1".repeat(40) + ".json";
        hostile.put(tree, file(tree, "{\"files\":{\"../../x\":{\"size\":1}}}"));
        hostile.put(repo + "blobs/" + "0".repeat(64), file(repo + "blobs/" + "0".repeat(64)));
        Map<String, String> before = TreeSnapshot.of(work);
        for (Map.Entry<String, byte[]> entry : hostile.entrySet()) {
            Path tar = work.resolve("hostile.tar");
            byte[] valid = Files.readAllBytes(archive);
            byte[] bytes = Arrays.copyOf(valid, valid.length - 1024 + entry.getValue().length + 1024);
            System.arraycopy(entry.getValue(), 0, bytes, valid.length - 1024, entry.getValue().length);
            Files.write(tar, bytes);

            assertThatThrownBy(() -> importInto(storeB, tar)).as(entry.getKey())
                    .isInstanceOf(StoreException.class).hasMessageContaining("refused the archive " + tar)
                    .hasMessageContaining("entry '" + entry.getKey() + "'").hasMessageContaining("Nothing was imported");
            Files.delete(tar);
            assertThat(TreeSnapshot.of(work)).as("everything after refusing %s", entry.getKey()).isEqualTo(before);
        }
        assertThat(work.getParent().resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void anArchiveWithOneCorruptedFileIsRefusedWhole() throws IOException {
        byte[] bytes = Files.readAllBytes(archive);
        byte[] start = Arrays.copyOf(weights.bytes(), 64);
        int at = indexOf(bytes, start);
        assertThat(at).isPositive();
        bytes[at + 5000] ^= 1;
        Path tar = work.resolve("corrupted.tar");
        Files.write(tar, bytes);
        Map<String, String> before = TreeSnapshot.of(storeB);

        assertThatThrownBy(() -> importInto(storeB, tar)).isInstanceOf(StoreException.class)
                .hasMessageContaining("blobs/" + weights.sha256()).hasMessageContaining("it is corrupted");

        assertThat(TreeSnapshot.of(storeB)).isEqualTo(before);
    }

    @Test
    void anArchiveWithoutPinsIsNotAnExport() throws IOException {
        Path tar = work.resolve("plain.tar");
        try (TarWriter writer = new TarWriter(Files.newOutputStream(tar))) {
            writer.file("url/host/file.bin", "x".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> importInto(work.resolve("new-store"), tar)).isInstanceOf(StoreException.class)
                .hasMessageContaining("models.lock").hasMessageContaining("not an archive written by `export`");
        assertThat(work.resolve("new-store")).doesNotExist();
    }

    @Test
    void aReadOnlyStoreIsNamedAndNothingIsWritten() throws Exception {
        try (ReadOnlyMount mount = ReadOnlyMount.of(storeB)) {
            assertThatThrownBy(() -> importInto(mount.path(), archive)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("the store " + mount.path() + " is read-only");
        }
        assertThat(TreeSnapshot.of(storeB).keySet()).containsExactly("", "keep.txt");
    }

    @Test
    void anArchivePinningOneUrlAtAnotherUrlsFileIsRefusedAndTheStoredFileStillServes() throws IOException {
        storeUrl(storeB, "https://b/y.bin", "url/b/y.bin", "GOOD-BYTES");
        Path tar = urlArchive("https://a/x.bin", "url/b/y.bin", "EVIL-BYTES");
        Map<String, String> before = TreeSnapshot.of(storeB);

        assertThatThrownBy(() -> importInto(storeB, tar)).isInstanceOf(StoreException.class)
                .hasMessageContaining("entry 'url/b/y.bin'").hasMessageContaining("keeps that URL at 'url/a/x.bin'")
                .hasMessageContaining("Nothing was imported");

        assertThat(TreeSnapshot.of(storeB)).isEqualTo(before);
        try (ModelStore b = TestStores.offline(storeB, hub.endpoint())) {
            assertThat(b.which("https://b/y.bin")).hasValueSatisfying(file -> assertThat(file).hasContent("GOOD-BYTES"));
        }
    }

    @Test
    void anArchiveWhoseUrlFileHasOtherBytesThanTheStoredOneIsRefusedWhole() throws IOException {
        storeUrl(storeB, "https://b/y.bin", "url/b/y.bin", "GOOD-BYTES");
        Path tar = urlArchive("https://b/y.bin", "url/b/y.bin", "EVIL-BYTES");
        Map<String, String> before = TreeSnapshot.of(storeB);

        assertThatThrownBy(() -> importInto(storeB, tar)).isInstanceOf(StoreException.class)
                .hasMessageContaining("url/b/y.bin holds other bytes").hasMessageContaining("Nothing was imported");

        assertThat(TreeSnapshot.of(storeB)).isEqualTo(before);
    }

    @Test
    void aUrlFileTheStoreHoldsWithTheSameBytesIsAlreadyPresent() throws IOException {
        storeUrl(storeB, "https://b/y.bin", "url/b/y.bin", "GOOD-BYTES");
        Path tar = urlArchive("https://b/y.bin", "url/b/y.bin", "GOOD-BYTES");

        Importer.Result result = importInto(storeB, tar);

        assertThat(result.alreadyPresent()).isEqualTo(1);
        assertThat(result.files()).isZero();
        assertThat(storeB.resolve("url/b/y.bin")).hasContent("GOOD-BYTES");
    }

    @Test
    void aStoredBlobWithOtherBytesOfTheSameSizeIsNeverReplaced() throws IOException {
        Path blob = storeB.resolve("hub/models--org--tiny/blobs/" + weights.sha256());
        Files.createDirectories(blob.getParent());
        byte[] other = weights.bytes().clone();
        other[100] ^= 1;
        Files.write(blob, other);
        Map<String, String> before = TreeSnapshot.of(storeB);

        assertThatThrownBy(() -> importInto(storeB, archive)).isInstanceOf(StoreException.class)
                .hasMessageContaining("blobs/" + weights.sha256() + " holds other bytes")
                .hasMessageContaining("Nothing was imported");

        assertThat(TreeSnapshot.of(storeB)).isEqualTo(before);
    }

    @Test
    void theRefMovesWithThePinSoOtherHubClientsSeeThePinnedCommit() throws IOException {
        String old = "a".repeat(40);
        Path ref = storeB.resolve("hub/models--org--tiny/refs/main");
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, old);
        lockOf(storeB).put("hf://org/tiny", new Pin.Hub(RepoType.MODEL, "org/tiny", "main", old, List.of()));

        Importer.Result result = importInto(storeB, archive);

        assertThat(result.sources()).containsExactly("hf://org/tiny");
        assertThat(ref).hasContent(commit);
        assertThat(((Pin.Hub) lockOf(storeB).get("hf://org/tiny")).commit()).isEqualTo(commit);
    }

    @Test
    void gcKeepsAnImportedBlobWhileTheImportHasNotLinkedItYet() throws Exception {
        List<String> blobs = TreeSnapshot.of(work.resolve("a")).keySet().stream()
                .filter(name -> name.startsWith("hub/models--org--tiny/blobs/")).sorted().toList();
        assertThat(blobs).hasSize(2);
        HubLayout layoutB = new HubLayout(storeB.resolve("hub"));
        RepoId repo = new RepoId(RepoType.MODEL, "org", "tiny");
        Path first = storeB.resolve(blobs.get(0));
        String second = blobs.get(1).substring(blobs.get(1).lastIndexOf('/') + 1);
        java.util.concurrent.CompletableFuture<Importer.Result> running;
        try (NamedLocks.Held held = NamedLocks.acquire(layoutB.lock(repo, second), "the test")) {
            running = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return importInto(storeB, archive);
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            long deadline = System.currentTimeMillis() + 30_000;
            while (!Files.exists(first) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(first).as("the import placed its first blob and waits for the second's lock").exists();
            assertThat(running).isNotDone();
            Files.setLastModifiedTime(first, java.nio.file.attribute.FileTime.fromMillis(0));

            StoreCleanup.Outcome outcome;
            try (ModelStore b = TestStores.offline(storeB, hub.endpoint())) {
                outcome = new GarbageCollector(StoreInventory.of(b), false).collect();
            }

            assertThat(first).exists();
            assertThat(outcome.removed()).isEmpty();
            assertThat(outcome.kept()).anyMatch(kept -> kept.contains("holds its lock"));
        }
        assertThat(running.get(60, java.util.concurrent.TimeUnit.SECONDS).sources()).containsExactly("hf://org/tiny");
        try (ModelStore b = TestStores.offline(storeB, hub.endpoint())) {
            assertThat(b.resolve("hf://org/tiny").path().resolve("weights/model.bin")).hasBinaryContent(weights.bytes());
        }
    }

    /** Puts a URL file, its record and its pin into {@code store}, as a download would. */
    private static void storeUrl(Path store, String url, String path, String text) throws IOException {
        Content content = Content.of(text);
        Path file = store.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.writeString(file.resolveSibling(file.getFileName() + ".meta.json"), "{\"url\":\"" + url
                + "\",\"size\":" + content.size() + ",\"sha256\":\"" + content.sha256() + "\"}");
        lockOf(store).put(url, urlPin(url, path, content));
    }

    private static Pin.Url urlPin(String url, String path, Content content) {
        return new Pin.Url(url, url, null, null, List.of(new PinnedFile(path, content.size(), content.sha256(), null)));
    }

    /** An archive pinning {@code url} with the file {@code path} holding {@code text}. */
    private Path urlArchive(String url, String path, String text) throws IOException {
        Path fragment = work.resolve("fragment/models.lock");
        Files.createDirectories(fragment.getParent());
        new LockFile(fragment, work.resolve("fragment/.lock")).put(url, urlPin(url, path, Content.of(text)));
        Path tar = work.resolve("url.tar");
        try (TarWriter writer = new TarWriter(Files.newOutputStream(tar))) {
            writer.file("models.lock", Files.readAllBytes(fragment));
            writer.file(path, text.getBytes(StandardCharsets.UTF_8));
        }
        return tar;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] file(String name) throws IOException {
        return file(name, "pwned");
    }

    private static byte[] file(String name, String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        tar.file(name, text.getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(out.toByteArray(), out.size());
    }

    private static byte[] symlink(String name, String target) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TarWriter(out).symlink(name, target);
        return out.toByteArray();
    }

    /** A header of any type (hard link '1', device '3', fifo '6'), made from a link header with its type changed. */
    private static byte[] special(String name, char type, String link) throws IOException {
        byte[] header = symlink(name, link);
        header[156] = (byte) type;
        Arrays.fill(header, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        byte[] checksum = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, header, 148, 6);
        header[154] = 0;
        return header;
    }
}
