package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.FakeHub.FaultKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's maintenance commands through the real jar: {@code gc} after a download killed with SIGKILL (and not
 * while it runs), and {@code verify} finding a corrupted blob, {@code --repair}, and a clean store after the next pull.
 */
class StoreCommandsIT {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 16 * MIB;

    private FakeHub hub;
    private Content big;
    private Content small;
    private Path work;
    private Path store;

    @BeforeEach
    void serveARepositoryAndALargeFileThatTrickles() throws IOException {
        hub = new FakeHub();
        big = Content.synthetic(SIZE, 21);
        hub.model("org/big").lfs("weights.bin", big);
        small = Content.synthetic(30_000, 22);
        hub.model("org/small").file("config.json", "{\"layers\": 2}").lfs("model.bin", small);
        // 640 KiB/s: the large file takes about 25 s, time enough to run gc beside it
        hub.fault(s -> s.server().equals("cdn") && s.method().equals("GET"), Integer.MAX_VALUE, FaultKind.SLOW, 0,
                null, 64 * 1024);
        work = Scratch.fresh("store-commands");
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    private ChildJvm.Exit cli(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--store";
        all[args.length + 1] = store.toString();
        return ChildJvm.run(Duration.ofMinutes(2), work, all);
    }

    @Test
    void gcKeepsTheFilesOfARunningDownloadAndRemovesThemOnceItsProcessIsKilled() {
        RepoFolder repo = RepoFolder.model(store, "org/big");
        try (ChildJvm pull = ChildJvm.cli(work, "pull", "hf://org/big/weights.bin", "--store", store.toString(),
                "--endpoint", hub.endpoint()).start()) {
            Poll.until(Duration.ofSeconds(60), "the pull has written part of the file",
                    () -> !pull.isAlive() || repo.partialFiles().stream().anyMatch(p -> size(p) > 0),
                    () -> "partial files: " + repo.partialFiles());
            assertThat(pull.isAlive()).as("the pull still runs; stderr:\n%s", pull.stderr()).isTrue();

            ChildJvm.Exit whileRunning = cli("gc");
            assertThat(whileRunning.code()).as(whileRunning.describe()).isZero();
            assertThat(whileRunning.stdout()).contains("kept hub/models--org--big/blobs/" + big.sha256() + ".p")
                    .contains(": a download or write in progress").contains("nothing to remove");
            assertThat(repo.partialFiles()).isNotEmpty();

            pull.kill();
        }
        long left = repo.partialFiles().stream().mapToLong(StoreCommandsIT::size).sum();
        assertThat(left).as("bytes the killed pull left").isPositive();

        ChildJvm.Exit verify = cli("verify");
        assertThat(verify.code()).as(verify.describe()).isEqualTo(1);
        assertThat(verify.stdout()).contains("LEFTOVER").contains(".incomplete");

        ChildJvm.Exit gc = cli("gc", "--json");
        assertThat(gc.code()).as(gc.describe()).isZero();
        assertThat(gc.stdout()).contains("\"bytes\": " + left).contains(".incomplete")
                .contains("abandoned temporary file");
        assertThat(repo.partialFiles()).isEmpty();
        assertThat(RepoFolder.temporaryFilesUnder(store)).isEmpty();
        assertThat(cli("verify").code()).isZero();
    }

    @Test
    void verifyFindsACorruptedBlobRepairDeletesItAndTheNextPullMakesTheStoreCleanAgain() throws IOException {
        ChildJvm.Exit pull = cli("pull", "hf://org/small", "--endpoint", hub.endpoint());
        assertThat(pull.code()).as(pull.describe()).isZero();
        Path blob = RepoFolder.model(store, "org/small").blob(small.sha256());
        byte[] bytes = Files.readAllBytes(blob);
        bytes[1234] ^= 0x40;
        Files.write(blob, bytes);

        ChildJvm.Exit verify = cli("verify");
        assertThat(verify.code()).as(verify.describe()).isEqualTo(1);
        assertThat(verify.stdout()).startsWith("BAD      hf://org/small model.bin: sha256 is ")
                .contains("expected " + small.sha256() + " (models.lock)").contains("1 problem");

        ChildJvm.Exit repair = cli("verify", "--repair");
        assertThat(repair.code()).as(repair.describe()).isZero();
        assertThat(blob).doesNotExist();

        hub.clearRequests();
        ChildJvm.Exit again = cli("pull", "hf://org/small", "--endpoint", hub.endpoint());
        assertThat(again.code()).as(again.describe()).isZero();
        assertThat(again.stdout()).contains("(downloaded ");
        assertThat(hub.contentGets()).isPositive();
        ChildJvm.Exit clean = cli("verify");
        assertThat(clean.code()).as(clean.describe()).isZero();
        assertThat(clean.stdout()).contains("all match their records");

        ChildJvm.Exit list = cli("list");
        assertThat(list.code()).as(list.describe()).isZero();
        assertThat(list.stdout()).containsPattern("hf://org/small +[0-9a-f]{12} +2 +29\\.3 KiB +\\d{4}-\\d\\d-\\d\\d ");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }
}
