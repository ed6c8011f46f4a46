package dev.modelredirect.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDownloaderTest {
    @TempDir
    Path dir;

    FakeHub hub;
    Http http;
    FileDownloader downloader;
    Content big = Content.synthetic(1_000_003, 7);
    Content small = Content.of("hello, small file\n");

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        hub.model("org/m").lfs("big.bin", big).file("small.txt", small, false);
        http = new Http(new AuthPolicy(hub.endpoint(), Optional.empty()), TestStores.FAST_RETRY);
        downloader = new FileDownloader(http, TestStores.SMALL_CHUNKS);
    }

    @AfterEach
    void tearDown() {
        http.close();
        hub.close();
    }

    private HttpUrl cdnUrl(Content content) {
        return HttpUrl.get("http://127.0.0.1:" + hub.cdnPort() + "/blobs/" + content.sha256());
    }

    private DownloadJob job(Content content, Path file) {
        return new DownloadJob("test", DownloadLocation.fixed(cdnUrl(content)), content.size(), null, file,
                List.of(ExpectedDigest.sha256(content.sha256())));
    }

    @Test
    void largeFileArrivesInParallelRangesAndVerifies() throws Exception {
        Path file = dir.resolve("big.part");
        FileDownloader.Result result = downloader.download(job(big, file), ProgressListener.NONE);
        assertThat(result.digests().sha256()).isEqualTo(big.sha256());
        assertThat(result.transferred()).isEqualTo(big.size());
        assertThat(Files.size(file)).as("the journal trailer is cut off").isEqualTo(big.size());
        assertThat(hub.requests("GET")).hasSizeGreaterThan(10)
                .allSatisfy(r -> assertThat(r.header("Range")).startsWith("bytes="));
    }

    @Test
    void smallFileArrivesInOneStreamWithItsGitHashChecked() throws Exception {
        HttpUrl url = HttpUrl.get(hub.endpoint() + "/org/m/resolve/main/small.txt");
        Path file = dir.resolve("small.part");
        Hashing.Digests digests = downloader.download(new DownloadJob("small", DownloadLocation.fixed(url),
                small.size(), null, file, List.of(ExpectedDigest.gitSha1(small.gitSha1()))), ProgressListener.NONE).digests();
        assertThat(digests.gitSha1()).isEqualTo(small.gitSha1());
        assertThat(Files.readAllBytes(file)).isEqualTo(small.bytes());
        assertThat(hub.requests("GET")).hasSize(1);
    }

    @Test
    void truncatedBodiesAreResumedFromTheBytesReceived() throws Exception {
        hub.fault(r -> r.server().equals("cdn"), 3, FakeHub.FaultKind.TRUNCATE, 0, null, 10_000);
        Path file = dir.resolve("big.part");
        Hashing.Digests digests = downloader.download(job(big, file), ProgressListener.NONE).digests();
        assertThat(digests.sha256()).isEqualTo(big.sha256());
        long chunk = TestStores.SMALL_CHUNKS.chunkSize();
        assertThat(hub.requests("GET").stream().map(r -> r.header("Range")))
                .as("a range resumed 10000 bytes into a chunk, where its body was cut")
                .anySatisfy(range -> assertThat(Long.parseLong(range.substring(6, range.indexOf('-'))) % chunk)
                        .isEqualTo(10000));
    }

    @Test
    void aBurstOf503WithRetryAfterIsWaitedOut() throws Exception {
        hub.failWith(r -> r.server().equals("cdn"), 3, 503, "0");
        Path file = dir.resolve("big.part");
        assertThat(downloader.download(job(big, file), ProgressListener.NONE).digests().sha256()).isEqualTo(big.sha256());
    }

    @Test
    void endless503FailsWithAClearErrorAndKeepsThePartialFileForResume() throws Exception {
        hub.failWith(r -> r.server().equals("cdn"), 1000, 503, null);
        Path file = dir.resolve("big.part");
        assertThatThrownBy(() -> downloader.download(job(big, file), ProgressListener.NONE))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("check the network");
    }

    @Test
    void corruptedBytesDeleteTheTemporaryFileAndThrow() throws Exception {
        hub.fault(r -> r.server().equals("cdn"), 1, FakeHub.FaultKind.CORRUPT, 0, null, 0);
        Path file = dir.resolve("big.part");
        assertThatThrownBy(() -> downloader.download(job(big, file), ProgressListener.NONE))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("do not verify")
                .hasMessageContaining("sha256");
        assertThat(file).doesNotExist();
    }

    @Test
    void aServerIgnoringRangesRestartsCleanlyInOneStream() throws Exception {
        Path file = dir.resolve("big.part");
        Files.write(file, new byte[200_000]);
        hub.fault(r -> r.server().equals("cdn"), 1000, FakeHub.FaultKind.IGNORE_RANGE, 0, null, 0);
        Hashing.Digests digests = downloader.download(job(big, file), ProgressListener.NONE).digests();
        assertThat(digests.sha256()).isEqualTo(big.sha256());
        assertThat(Files.size(file)).isEqualTo(big.size());
    }

    @Test
    void aOneStreamResumeAnsweredWith200StartsOver() throws Exception {
        Content medium = Content.of(new byte[100_000]);
        hub.model("org/m").lfs("medium.bin", medium);
        Path file = dir.resolve("medium.part");
        Files.write(file, new byte[] {9, 9, 9, 9});
        hub.fault(r -> r.server().equals("cdn"), 1000, FakeHub.FaultKind.IGNORE_RANGE, 0, null, 0);
        Hashing.Digests digests = downloader.download(job(medium, file), ProgressListener.NONE).digests();
        assertThat(digests.sha256()).isEqualTo(medium.sha256());
        assertThat(Files.readAllBytes(file)).isEqualTo(medium.bytes());
    }

    @Test
    void theJournalTrailerLeftByAKilledDownloadSkipsTheChunksItRecords() throws Exception {
        Path file = dir.resolve("big.part");
        long chunk = TestStores.SMALL_CHUNKS.chunkSize();
        byte[] data = new byte[(int) big.size()];
        big.read(0, data, 0, (int) (chunk * 3));
        big.read(chunk * 5, data, (int) (chunk * 5), (int) chunk);
        ByteBuffer trailer = ByteBuffer.allocate(24 + 16 + 2);
        trailer.put("MRPARTS1".getBytes()).putLong(big.size()).putLong(chunk).putInt(0).putInt(1).putInt(2)
                .putInt(5).put((byte) 0).put((byte) 7);
        Files.write(file, data);
        Files.write(file, trailer.array(), java.nio.file.StandardOpenOption.APPEND);

        FileDownloader.Result result = downloader.download(job(big, file), ProgressListener.NONE);

        assertThat(result.digests().sha256()).isEqualTo(big.sha256());
        assertThat(result.transferred()).isEqualTo(big.size() - 4 * chunk);
        assertThat(Files.size(file)).isEqualTo(big.size());
        assertThat(hub.requests("GET")).noneMatch(r -> r.header("Range").startsWith("bytes=0-")
                || r.header("Range").startsWith("bytes=" + 5 * chunk + "-"));
    }

    @Test
    void aOneStreamDownloadDroppedMidBodyResumesWithoutHashingBytesTwice() throws Exception {
        Content medium = Content.synthetic(100_000, 9);
        hub.model("org/m").lfs("medium.bin", medium);
        hub.fault(r -> r.server().equals("cdn"), 2, FakeHub.FaultKind.TRUNCATE, 0, null, 30_000);
        Path file = dir.resolve("medium.part");
        FileDownloader.Result result = downloader.download(job(medium, file), ProgressListener.NONE);
        assertThat(result.digests().sha256()).isEqualTo(medium.sha256());
        assertThat(result.transferred()).isEqualTo(medium.size());
        assertThat(hub.requests("GET")).hasSize(3);
    }

    @Test
    void anExpiredCdnLinkIsRefreshed() throws Exception {
        Path file = dir.resolve("big.part");
        hub.expireCdnLinks();
        HttpUrl stale = cdnUrl(big).newBuilder().addQueryParameter("sig", "0").build();
        HttpUrl fresh = cdnUrl(big).newBuilder().addQueryParameter("sig", "fresh").build();
        DownloadLocation location = new DownloadLocation() {
            volatile HttpUrl url = stale;

            @Override
            public HttpUrl current() {
                return url;
            }

            @Override
            public HttpUrl refresh() {
                url = fresh;
                return url;
            }
        };
        Hashing.Digests digests = downloader.download(new DownloadJob("x", location, big.size(), null, file,
                List.of(ExpectedDigest.sha256(big.sha256()))), ProgressListener.NONE).digests();
        assertThat(digests.sha256()).isEqualTo(big.sha256());
    }

    @Test
    void aSizeShorterThanAnnouncedIsAnIntegrityError() throws Exception {
        HttpUrl url = HttpUrl.get(hub.endpoint() + "/org/m/resolve/main/small.txt");
        Path file = dir.resolve("s.part");
        assertThatThrownBy(() -> downloader.download(new DownloadJob("small", DownloadLocation.fixed(url),
                small.size() - 3, null, file, List.of()), ProgressListener.NONE))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("more than");
        assertThat(file).doesNotExist();
    }

    @Test
    void aKilledDownloadResumesFromTheLastRecordedByteNotFromAChunkBoundary() throws Exception {
        Path file = dir.resolve("big.part");
        byte[] data = new byte[(int) big.size()];
        big.read(0, data, 0, 300_001);
        big.read(500_000, data, 500_000, 100_000);
        Files.write(file, data);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.READ)) {
            Journal journal = Journal.start(channel, big.size(), new Intervals());
            journal.written(0, 300_001);
            journal.written(500_000, 600_000);
        }

        FileDownloader.Result result = downloader.download(job(big, file), ProgressListener.NONE);

        assertThat(result.digests().sha256()).isEqualTo(big.sha256());
        assertThat(result.transferred()).isEqualTo(big.size() - 400_001);
        assertThat(hub.requests("GET")).extracting(r -> r.header("Range"))
                .noneMatch(range -> {
                    long from = Long.parseLong(range.substring(6, range.indexOf('-')));
                    long to = Long.parseLong(range.substring(range.indexOf('-') + 1));
                    return from < 300_001 || (from < 600_000 && to >= 500_000);
                });
    }

    @Test
    void anIdleConnectionTakesOverHalfOfTheRangeAnotherStillHasToGo() throws Exception {
        Content eight = Content.synthetic(8 << 20, 3);
        hub.model("org/m").lfs("eight.bin", eight);
        hub.fault(r -> r.server().equals("cdn"), 1000, FakeHub.FaultKind.SLOW, 0, null, 1 << 20);
        FileDownloader oneChunk = new FileDownloader(http, new FileDownloader.Settings(8 << 20, 2, 1 << 20));

        FileDownloader.Result result = oneChunk.download(job(eight, dir.resolve("eight.part")), ProgressListener.NONE);

        assertThat(result.digests().sha256()).isEqualTo(eight.sha256());
        assertThat(result.transferred()).as("no byte fetched twice").isEqualTo(eight.size());
        // The first connection's request may go out before or after the steal lowered its end: either is right.
        assertThat(hub.requests("GET")).extracting(r -> r.header("Range"))
                .anyMatch(range -> range.startsWith("bytes=0-"))
                .anyMatch(range -> range.endsWith("-" + ((8 << 20) - 1))
                        && Long.parseLong(range.substring(6, range.indexOf('-'))) >= 4 << 20);
    }

    @Test
    void aConnectionThatFailsForGoodStopsTheOthersAtOnceEvenOnStalledSockets() {
        hub.fault(r -> r.server().equals("cdn") && "bytes=0-".equals(prefix(r.header("Range"))), 10,
                FakeHub.FaultKind.STATUS, 400, null, 0);
        // every other range trickles one byte per 100 ms: a read never times out, a 256 KiB buffer never fills
        hub.fault(r -> r.server().equals("cdn") && !"bytes=0-".equals(prefix(r.header("Range"))), 100,
                FakeHub.FaultKind.SLOW, 0, null, 1);
        long start = System.nanoTime();

        assertThatThrownBy(() -> downloader.download(job(big, dir.resolve("big.part")), ProgressListener.NONE))
                .isInstanceOf(HttpStatusException.class).hasMessageContaining("400");
        // without cancelling the stalled requests, each of three connections was waited for 10 s
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    private static String prefix(String range) {
        return range == null ? null : range.substring(0, range.indexOf('-') + 1);
    }
}
