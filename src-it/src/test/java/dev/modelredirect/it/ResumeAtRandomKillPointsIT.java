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

    private void killAndResume(int round, double fraction) {
        String what = String.format("seed %d, kill %d at %.0f%% of the file", SEED, round, fraction * 100);
        Path work = Scratch.fresh("resume-random-kill-" + round);
        Path store = work.resolve("store");
        RepoFolder repo = RepoFolder.model(store, "org/big");
        long sentBefore = hub.contentBytesSent();
        List<long[]> journaled;
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
        assertThat(sentToKilled - PartialJournal.total(journaled))
                .as("%s: bytes sent to the killed pull beyond its journal (4 connections)", what)
                .isLessThanOrEqualTo(4 * MIB);
        assertThat((double) total).as("%s: bytes the CDN sent over the kill and the resume", what)
                .isLessThanOrEqualTo(1.02 * SIZE);
    }
}
