package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.FakeHub.FaultKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pull killed with SIGKILL at random points (seeded, so a failure can be replayed) loses less than 1 MiB per
 * connection: over the kill and the resumed pull, the CDN sends at most 1.02 times the file, the resumed pull never
 * asks again for a byte the journal recorded, and the published file verifies.
 */
class ResumeAtRandomKillPointsIT {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 200 * MIB;
    private static final String SOURCE = "hf://org/big/weights.bin";
    private static final long SEED = Long.getLong("it.killSeed", 20261203L);
    private static final int KILLS = 3;

    private FakeHub hub;
    private Content content;
    private String commit;

    @BeforeEach
    void serveAFileAtTwentyMegabytesPerSecondPerConnection() throws IOException {
        hub = new FakeHub();
        content = Content.synthetic(SIZE, 5);
        commit = hub.model("org/big").lfs("weights.bin", content).commit();
        content.sha256();
        // 200 KiB every 10 ms on each connection, as a CDN edge limits each connection.
        hub.fault(s -> s.server().equals("cdn") && s.method().equals("GET"), Integer.MAX_VALUE,
                FaultKind.TRICKLE, 0, null, 200 * 1024);
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void aPullKilledAtAnyPointRefetchesLessThanAMebibytePerConnection() throws IOException {
        Random random = new Random(SEED);
        for (int kill = 0; kill < KILLS; kill++) {
            double fraction = 0.02 + 0.93 * random.nextDouble();
            killAndResume(kill, fraction);
        }
    }

    private void killAndResume(int round, double fraction) throws IOException {
        String what = String.format("seed %d, kill %d at %.0f%% of the file", SEED, round, fraction * 100);
        Path work = Scratch.fresh("resume-random-kill-" + round);
        Path store = work.resolve("store");
        RepoFolder repo = RepoFolder.model(store, "org/big");
        long sentBefore = hub.contentBytesSent();
        List<long[]> journaled;
        long unjournaledOnDisk;
        try (ChildJvm first = ChildJvm.cli(work, "pull", SOURCE, "--store", store.toString(), "--endpoint",
                hub.endpoint()).start()) {
            Poll.until(Duration.ofSeconds(120), what + ": the journal reaches the kill point",
                    () -> !first.isAlive() || PartialJournal.total(PartialJournal.written(repo.partialFiles(), SIZE))
                            >= fraction * SIZE,
                    () -> "partial files: " + repo.partialFiles());
            assertThat(first.isAlive()).as("%s: still downloading when killed; stderr:%n%s", what, first.stderr())
                    .isTrue();
            first.kill();
            journaled = PartialJournal.written(repo.partialFiles(), SIZE);
            unjournaledOnDisk = writtenOutside(repo.partialFiles(), journaled);
        }
        long sentToKilled = hub.contentBytesSent() - sentBefore;
        // The resumed pull runs on the same throttled link. (Unthrottled on loopback, a range handed to an idle
        // connection costs what the server had already pushed into the socket buffers of the connection that gave it
        // up, a few MiB per split: traffic, not lost progress.)
        hub.clearRequests();

        ChildJvm.Exit second = ChildJvm.run(Duration.ofMinutes(3), work, "pull", SOURCE, "--store", store.toString(),
                "--endpoint", hub.endpoint());

        long total = hub.contentBytesSent() - sentBefore;
        assertThat(second.code()).as("%s: %s", what, second.describe()).isZero();
        assertThat(RepoFolder.sha256(repo.snapshotFile(commit, "weights.bin"))).as(what).isEqualTo(content.sha256());
        assertThat(CdnTraffic.gets(hub, SIZE)).as("%s: GETs of bytes the journal recorded", what)
                .noneMatch(r -> journaled.stream().anyMatch(j -> r.overlaps(j[0], j[1])));
        assertThat(unjournaledOnDisk).as("%s: bytes the killed pull wrote but had not journaled (4 connections, "
                + "%d MiB sent to it, %d MiB journaled)", what, sentToKilled >> 20,
                PartialJournal.total(journaled) >> 20)
                .isLessThanOrEqualTo(4 * MIB);
        // The sharp bound (1.02x, measured by src-it/bench/downloads-vs-peers.sh) also counts what sat in the
        // kernel's socket buffers when the process died, which grows when the machine is loaded; this one catches a
        // chunk-granular journal (up to 64 MiB lost per kill).
        assertThat((double) total).as("%s: bytes the CDN sent over the kill and the resume", what)
                .isLessThanOrEqualTo(1.10 * SIZE);
    }

    /**
     * Bytes of the partial file outside the journaled ranges that hold the file's own (non-zero) bytes: what the
     * killed pull wrote without recording it. Holes of the sparse file read as zero, so zero bytes are not counted.
     */
    private long writtenOutside(List<Path> partials, List<long[]> journaled) throws IOException {
        long found = 0;
        byte[] disk = new byte[1 << 20];
        byte[] expected = new byte[1 << 20];
        for (Path partial : partials) {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(partial)) {
                int next = 0;
                for (long at = 0; at < SIZE; at += disk.length) {
                    int n = (int) Math.min(disk.length, SIZE - at);
                    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(disk, 0, n);
                    while (buffer.hasRemaining() && channel.read(buffer, at + buffer.position()) > 0) {
                        // reading
                    }
                    content.read(at, expected, 0, n);
                    for (int i = 0; i < n; i++) {
                        long position = at + i;
                        while (next < journaled.size() && journaled.get(next)[1] <= position) {
                            next++;
                        }
                        boolean recorded = next < journaled.size() && journaled.get(next)[0] <= position;
                        if (!recorded && expected[i] != 0 && disk[i] == expected[i]) {
                            found++;
                        }
                    }
                }
            }
        }
        return found;
    }
}
