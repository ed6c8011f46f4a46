package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.FakeHub.FaultKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A download killed with SIGKILL part-way leaves the store valid, and the next pull resumes from the bytes already on
 * disk, asking the Hub for a fresh CDN link.
 */
class KilledDownloadResumesIT {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 96 * MIB;
    private static final String SOURCE = "hf://org/big/weights.bin";

    private final AtomicBoolean slow = new AtomicBoolean(true);
    private FakeHub hub;
    private Content content;
    private String commit;
    private Path work;
    private Path store;

    @BeforeEach
    void serveALargeFileWhoseSecondHalfTrickles() throws IOException {
        hub = new FakeHub();
        content = Content.synthetic(SIZE, 11);
        commit = hub.model("org/big").lfs("weights.bin", content).commit();
        content.sha256();
        // The first half of the file arrives at 10 MiB/s per connection, the second half at 640 KiB/s: the first
        // chunks are finished and journaled long before the last ones, whatever the number of connections.
        hub.fault(s -> slow.get() && isCdnGet(s) && rangeStart(s) < SIZE / 2, Integer.MAX_VALUE, FaultKind.SLOW,
                0, null, MIB);
        hub.fault(s -> slow.get() && isCdnGet(s) && rangeStart(s) >= SIZE / 2, Integer.MAX_VALUE, FaultKind.SLOW,
                0, null, 64 * 1024);
        work = Scratch.fresh("killed-download-resumes");
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void aPullKilledPartWayLeavesNoFileUnderAFinalNameAndTheNextPullResumesWithAFreshLocation() throws IOException {
        RepoFolder repo = RepoFolder.model(store, "org/big");
        List<long[]> keptChunks;
        try (ChildJvm first = ChildJvm.cli(work, "pull", SOURCE, "--store", store.toString(), "--endpoint",
                hub.endpoint()).start()) {
            Poll.until(Duration.ofSeconds(120), "the first pull has journaled half of the file",
                    () -> !first.isAlive() || total(journaledChunks(repo)) >= SIZE / 2,
                    () -> "partial files: " + repo.partialFiles());
            assertThat(first.isAlive()).as("the first pull is still downloading when it is killed; stderr:\n%s",
                    first.stderr()).isTrue();
            first.kill();
            keptChunks = journaledChunks(repo);
        }
        long kept = total(keptChunks);
        assertThat(kept).as("bytes the killed pull journaled as finished").isGreaterThanOrEqualTo(SIZE / 2)
                .isLessThan(SIZE);
        assertThat(repo.partialFiles()).as("the killed pull's partial file and journal")
                .anyMatch(p -> p.getFileName().toString().endsWith(".incomplete"));
        assertThat(RepoFolder.present(repo.blob(content.sha256()))).as("a blob under its final name").isFalse();
        assertThat(RepoFolder.present(repo.snapshotFile(commit, "weights.bin"))).as("a snapshot link").isFalse();

        Set<String> firstLinks = CdnTraffic.gets(hub, SIZE).stream().map(CdnTraffic.Range::signature)
                .collect(Collectors.toSet());
        hub.expireCdnLinks();
        slow.set(false);
        hub.clearRequests();

        ChildJvm.Exit second = ChildJvm.run(Duration.ofMinutes(3), work, "pull", SOURCE, "--store", store.toString(),
                "--endpoint", hub.endpoint());

        assertThat(second.code()).as(second.describe()).isZero();
        assertThat(RepoFolder.sha256(repo.blob(content.sha256()))).as("sha256 of the blob").isEqualTo(content.sha256());
        assertThat(RepoFolder.sha256(repo.snapshotFile(commit, "weights.bin"))).isEqualTo(content.sha256());
        assertThat(repo.partialFiles()).as("temporary files left").isEmpty();
        assertThat(hub.requests("HEAD")).as("HEAD requests of the second pull")
                .anyMatch(s -> s.server().equals("hub") && s.path().equals("/org/big/resolve/main/weights.bin"));

        List<CdnTraffic.Range> resumed = CdnTraffic.gets(hub, SIZE);
        assertThat(resumed).as("CDN GETs of the second pull").isNotEmpty();
        assertThat(resumed).as("CDN GETs with a link handed out before the kill")
                .noneMatch(r -> firstLinks.contains(r.signature()));
        assertThat(resumed).as("CDN GETs of bytes the killed pull had finished (%d bytes kept)", kept)
                .noneMatch(r -> keptChunks.stream().anyMatch(c -> r.overlaps(c[0], c[1])));
        assertThat(CdnTraffic.bytesRequested(hub, SIZE)).as("bytes the second pull asked the CDN for")
                .isLessThan(SIZE);
    }

    /** The byte ranges the journal in the trailer of the partial file records as written. */
    private static List<long[]> journaledChunks(RepoFolder repo) {
        return PartialJournal.written(repo.partialFiles(), SIZE);
    }

    private static long total(List<long[]> chunks) {
        return chunks.stream().mapToLong(c -> c[1] - c[0]).sum();
    }

    private static boolean isCdnGet(FakeHub.Seen seen) {
        return seen.server().equals("cdn") && seen.method().equals("GET");
    }

    private static long rangeStart(FakeHub.Seen seen) {
        String range = seen.header("Range");
        if (range == null || !range.startsWith("bytes=") || range.indexOf('-') < 7) {
            return 0;
        }
        return Long.parseLong(range.substring(6, range.indexOf('-')));
    }
}
