package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.FakeHub.FaultKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where file locks silently do nothing (some network file systems), processes pulling the same file at once each
 * download it (the test checks they did: the lock layer is really off), but unique temporary names and atomic renames
 * keep the store valid: one verified blob, no temporary file, and each process's own other file in place.
 */
class BrokenFileLocksKeepTheStoreValidIT {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 40 * MIB;
    private static final String SOURCE = "hf://org/shared/weights.bin";

    private FakeHub hub;
    private Content content;
    private String commit;
    private Path work;
    private Path store;

    @BeforeEach
    void serveAFileSlowlyEnoughThatTheDownloadsOverlap() throws IOException {
        hub = new FakeHub();
        content = Content.synthetic(SIZE, 29);
        FakeHub.Repo repo = hub.model("org/shared").lfs("weights.bin", content);
        for (int i = 0; i < 4; i++) {
            repo.file("own-" + i + ".json", "{\"process\": " + i + "}");
        }
        commit = repo.commit();
        content.sha256();
        // 5 MiB/s per connection: each download lasts seconds, so the four overlap.
        hub.fault(s -> s.server().equals("cdn") && s.method().equals("GET"), Integer.MAX_VALUE, FaultKind.SLOW, 0,
                null, 512 * 1024);
        work = Scratch.fresh("broken-file-locks");
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void fourPullsAtOnceWithoutFileLocksAllSucceedAndLeaveOneVerifiedBlobAndNoTemporaryFiles() throws IOException {
        List<ChildJvm> children = new ArrayList<>();
        List<ChildJvm.Exit> exits = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                children.add(ChildJvm.cli(work, "pull", SOURCE, "hf://org/shared/own-" + i + ".json", "--store",
                        store.toString(), "--endpoint", hub.endpoint())
                        .jvmOption("-Dmodelredirect.test.noFileLocks=true").start());
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
        Path link = repo.snapshotFile(commit, "weights.bin");
        assertThat(Files.isSymbolicLink(link)).as("%s is a link", link).isTrue();
        assertThat(link.toRealPath()).isEqualTo(repo.blob(content.sha256()).toRealPath());
        assertThat(RepoFolder.temporaryFilesUnder(store)).as("temporary files left in the store").isEmpty();
        long served = hub.contentBytesSent();
        System.out.printf("BrokenFileLocksKeepTheStoreValidIT: the CDN served %d MiB for a %d MiB file%n",
                served >> 20, SIZE >> 20);
        assertThat(served).as("bytes the CDN served: more than one copy, so the downloads really raced without a "
                + "lock (with locks, FourProcessesOneDownloadIT sees exactly one copy)").isGreaterThan(SIZE);
        for (int i = 0; i < 4; i++) {
            ChildJvm.Exit own = ChildJvm.run(Duration.ofMinutes(1), work, "which", "hf://org/shared/own-" + i
                    + ".json", "--store", store.toString());
            assertThat(own.code()).as("each process's own file is in the store\n%s", own.describe()).isZero();
            assertThat(Files.readString(Path.of(own.stdout().strip()))).isEqualTo("{\"process\": " + i + "}");
        }

        ChildJvm.Exit which = ChildJvm.run(Duration.ofMinutes(1), work, "which", SOURCE, "--store",
                store.toString());
        assertThat(which.code()).as("which after the pulls (reads the lock file they all wrote)\n%s",
                which.describe()).isZero();
        assertThat(which.stdout().strip()).isEqualTo(link.toString());
    }
}
