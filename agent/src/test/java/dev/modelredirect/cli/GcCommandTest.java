package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcCommandTest {
    @TempDir
    Path store;

    FakeHub hub;
    Content weights = Content.synthetic(3000, 2);
    CliRun cli = new CliRun();
    Path blobs;

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        hub.model("org/tiny").file("config.json", "{}").lfs("model.bin", weights);
        assertThat(cli.run("pull", "hf://org/tiny", "--store", store.toString(), "--endpoint", hub.endpoint()))
                .isZero();
        blobs = store.resolve("hub/models--org--tiny/blobs");
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private Path orphanBlob() throws Exception {
        Path orphan = Files.write(blobs.resolve("f".repeat(64)), new byte[2048]);
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minusSeconds(3600)));
        return orphan;
    }

    @Test
    void gcRemovesAKilledDownloadsPartialFileAndAnOrphanBlobAndSaysWhatCameBack() throws Exception {
        Path orphan = orphanBlob();
        Path partial = Files.write(blobs.resolve(weights.sha256() + ".p999999999-7.incomplete"), new byte[1024]);
        assertThat(cli.run("gc", "--store", store.toString())).as(cli.err()).isZero();
        assertThat(cli.out().lines()).anyMatch(l -> l.matches("2\\.0 KiB  unreferenced blob +"
                + "hub/models--org--tiny/blobs/f{64}")).anyMatch(l -> l.matches("1\\.0 KiB  abandoned temporary file"
                + " +hub/models--org--tiny/blobs/" + weights.sha256() + "\\.p999999999-7\\.incomplete"));
        assertThat(cli.out()).endsWith("2 entries; 3.0 KiB came back in " + store + "\n");
        assertThat(orphan).doesNotExist();
        assertThat(partial).doesNotExist();
        assertThat(cli.run("verify", "--store", store.toString())).isZero();
        assertThat(cli.run("gc", "--store", store.toString())).isZero();
        assertThat(cli.out()).startsWith("nothing to remove; 0 B came back");
    }

    @Test
    void gcKeepsThePartialFileOfARunningDownload() throws Exception {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Path live = Files.write(blobs.resolve("a".repeat(64) + ".p" + parent + "-1.incomplete"), new byte[10]);
        assertThat(cli.run("gc", "--store", store.toString())).isZero();
        assertThat(cli.out()).contains("kept hub/models--org--tiny/blobs/" + live.getFileName()
                + ": a download or write in progress");
        assertThat(live).exists();
    }

    @Test
    void aDryRunAsJsonRemovesNothing() throws Exception {
        Path orphan = orphanBlob();
        assertThat(cli.run("gc", "--dry-run", "--json", "--store", store.toString())).isZero();
        Map<String, Object> result = Json.parseObject(cli.out());
        assertThat(result).containsEntry("dryRun", true).containsEntry("bytes", 2048L);
        assertThat(orphan).exists();
    }

    @Test
    void onAReadOnlyStoreGcFailsNamingTheStoreAndNothingChanges() throws Exception {
        Path orphan = orphanBlob();
        try (ReadOnlyMount mount = ReadOnlyMount.of(store)) {
            assertThat(cli.run("gc", "--store", mount.path().toString())).isEqualTo(1);
            assertThat(cli.err()).startsWith("model-redirect: gc failed: the store " + mount.path()
                    + " is read-only");
        }
        assertThat(orphan).exists();
    }

    @Test
    void gcHasHelpAndPointsAStrayArgumentToRm() {
        assertThat(cli.run("gc", "--help")).isZero();
        assertThat(cli.out()).contains("Usage: java -jar model-redirect.jar gc").contains("--dry-run");
        assertThat(cli.run("gc", "hf://org/tiny")).isEqualTo(2);
        assertThat(cli.err()).contains("use `rm SOURCE`");
    }
}
