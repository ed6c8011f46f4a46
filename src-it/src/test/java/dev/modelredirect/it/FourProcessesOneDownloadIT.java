package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.FakeHub.FaultKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Four processes pulling the same file into one store at once cause exactly one download; the others wait. */
class FourProcessesOneDownloadIT {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 40 * MIB;
    private static final String SOURCE = "hf://org/shared/weights.bin";

    private FakeHub hub;
    private Content content;
    private Path work;
    private Path store;

    @BeforeEach
    void serveAFileThatTakesSecondsToDownload() throws IOException {
        hub = new FakeHub();
        content = Content.synthetic(SIZE, 23);
        hub.model("org/shared").lfs("weights.bin", content);
        content.sha256();
        // 2 MiB/s per connection: a 16 MiB chunk takes about 8 s, so a process that starts waiting up to 5 s after
        // the download began still waits longer than the 3 s after which it says so.
        hub.fault(s -> s.server().equals("cdn") && s.method().equals("GET"), Integer.MAX_VALUE, FaultKind.SLOW, 0,
                null, 200 * 1024);
        work = Scratch.fresh("four-processes-one-download");
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void fourPullsOfOneFileAtOnceDownloadItOnceAndTheOthersSayTheyWait() {
        List<ChildJvm> children = new ArrayList<>();
        List<ChildJvm.Exit> exits = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                children.add(ChildJvm.cli(work, "pull", SOURCE, "--store", store.toString(), "--endpoint",
                        hub.endpoint()).start());
            }
            for (ChildJvm child : children) {
                exits.add(child.awaitExit(Duration.ofMinutes(3)));
            }
        } finally {
            children.forEach(ChildJvm::close);
        }

        for (ChildJvm.Exit exit : exits) {
            assertThat(exit.code()).as(exit.describe()).isZero();
        }
        RepoFolder repo = RepoFolder.model(store, "org/shared");
        assertThat(RepoFolder.sha256(repo.blob(content.sha256()))).as("sha256 of the blob").isEqualTo(content.sha256());
        // Requested ranges overlap when an idle connection takes over half of another's range (that one stops
        // there), so the bytes the CDN sent are what count.
        assertThat(hub.contentBytesSent()).as("bytes the CDN sent; ranges asked %s", CdnTraffic.gets(hub, SIZE))
                .isBetween(SIZE, SIZE + MIB);
        assertThat(exits).as("children that said they wait for another download")
                .anyMatch(exit -> exit.stderr().contains("waiting for another download"));
        assertThat(RepoFolder.temporaryFilesUnder(store)).as("temporary files left in the store").isEmpty();
    }
}
