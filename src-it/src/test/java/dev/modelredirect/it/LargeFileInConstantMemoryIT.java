package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A 2 GiB file downloads, verified, in a JVM with a 64 MiB heap and a peak resident size under 150 MiB. */
class LargeFileInConstantMemoryIT {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 2L << 30;
    private static final long RSS_LIMIT = 150 * MIB;
    private static final Path TIME = Path.of("/usr/bin/time");

    private FakeHub hub;
    private Content content;
    private Path work;
    private Path store;

    @BeforeEach
    void serveATwoGibFile() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(TIME), "GNU time is needed to measure the child's peak RSS: "
                + "install the Debian package 'time'");
        hub = new FakeHub();
        content = Content.synthetic(SIZE, 31);
        hub.model("org/huge").lfs("model.bin", content);
        long start = System.nanoTime();
        content.sha256();
        System.out.printf("LargeFileInConstantMemoryIT: expected sha256 computed in %.1f s%n",
                (System.nanoTime() - start) / 1e9);
        work = Scratch.fresh("large-file-in-constant-memory");
        store = work.resolve("store");
    }

    @AfterEach
    void deleteTheBigFileAndStopTheHub() {
        if (work != null) {
            Scratch.delete(work);
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aTwoGibFileDownloadsVerifiedWithA64MibHeapUnder150MibPeakRss() throws IOException {
        Path rss = work.resolve("peak-rss-kib.txt");
        ChildJvm.Exit exit;
        try (ChildJvm child = ChildJvm.cli(work, "pull", "hf://org/huge/model.bin", "--store", store.toString(),
                "--endpoint", hub.endpoint())
                .jvmOption("-Xmx64m")
                .under(List.of(TIME.toString(), "-f", "%M", "-o", rss.toString()))
                .start()) {
            exit = child.awaitExit(Duration.ofMinutes(5));
        }
        assertThat(exit.code()).as(exit.describe()).isZero();
        long peakRss = Long.parseLong(Files.readString(rss).strip().lines().reduce((a, b) -> b).orElseThrow()) * 1024;
        System.out.printf("LargeFileInConstantMemoryIT: 2 GiB pulled with -Xmx64m in %.1f s wall time (JVM start "
                + "included), peak RSS %d MiB%n", exit.wallTime().toMillis() / 1e3, peakRss / MIB);

        Path blob = RepoFolder.model(store, "org/huge").blob(content.sha256());
        assertThat(Files.size(blob)).isEqualTo(SIZE);
        assertThat(RepoFolder.sha256(blob)).as("sha256 of the blob").isEqualTo(content.sha256());
        assertThat(peakRss).as("peak RSS of the child in bytes").isLessThan(RSS_LIMIT);
    }
}
