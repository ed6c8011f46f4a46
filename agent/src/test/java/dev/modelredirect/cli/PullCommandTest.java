package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.Pin;
import dev.modelredirect.store.PinnedFile;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullCommandTest {
    @TempDir
    Path store;

    FakeHub hub;
    FakeHub.Repo repo;
    Content weights = Content.synthetic(5000, 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        repo = hub.model("org/tiny").file("config.json", "{\"v\":1}").lfs("model.bin", weights);
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private int pull(String... args) {
        out.reset();
        err.reset();
        List<String> words = new ArrayList<>(List.of("pull"));
        words.addAll(List.of(args));
        words.addAll(List.of("--store", store.toString(), "--endpoint", hub.endpoint()));
        return new Main().run(words.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Pin pin(String source) throws Exception {
        return new LockFile(store.resolve("models.lock"), store.resolve(".locks/x.lock")).get(source);
    }

    @Test
    void updateMovesABranchPinToTheNewCommitAndDownloadsOnlyTheFilesThatChanged() throws Exception {
        assertThat(pull("hf://org/tiny")).isZero();
        String old = repo.commit();
        repo.file("config.json", "{\"v\":2}").newCommit();
        hub.clearRequests();

        assertThat(pull("--update", "hf://org/tiny", "--json")).as(err()).isZero();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = ((List<Map<String, Object>>) Json.parse(out())).get(0);
        assertThat(result).containsEntry("from", old).containsEntry("to", repo.commit())
                .containsEntry("updated", true);
        assertThat(((Pin.Hub) pin("hf://org/tiny")).commit()).isEqualTo(repo.commit());
        Path snapshot = store.resolve("hub/models--org--tiny/snapshots/" + repo.commit());
        assertThat(Files.readString(snapshot.resolve("config.json"))).isEqualTo("{\"v\":2}");
        assertThat(Files.readString(store.resolve("hub/models--org--tiny/refs/main"))).isEqualTo(repo.commit());
        assertThat(hub.requests()).as("the unchanged weights are not downloaded again")
                .noneMatch(s -> s.method().equals("GET") && s.path().contains(weights.sha256()));
        assertThat(snapshot.resolve("model.bin")).hasSize(5000);
    }

    @Test
    void updatePrintsOldCommitArrowNewCommit() {
        pull("hf://org/tiny/config.json");
        String old = repo.commit();
        repo.newCommit();
        assertThat(pull("--update")).as(err()).isZero();
        assertThat(out()).startsWith("hf://org/tiny/config.json -> ")
                .contains("(" + old.substring(0, 12) + " -> " + repo.commit().substring(0, 12));
    }

    @Test
    void updateOfABranchThatHasNotMovedSaysUpToDateAndDownloadsNothing() {
        pull("hf://org/tiny");
        hub.clearRequests();
        assertThat(pull("--update", "hf://org/tiny")).isZero();
        assertThat(out()).contains("(up to date at " + repo.commit().substring(0, 12) + ")");
        assertThat(hub.contentGets()).isZero();
    }

    @Test
    void aSourcePinnedAtAFullCommitStaysOnUpdate() throws Exception {
        String commit = repo.commit();
        pull("hf://org/tiny@" + commit);
        repo.newCommit();
        hub.clearRequests();
        assertThat(pull("--update", "hf://org/tiny@" + commit)).isZero();
        assertThat(out()).contains("(pinned at commit " + commit.substring(0, 12) + ", stays)");
        assertThat(((Pin.Hub) pin("hf://org/tiny@" + commit)).commit()).isEqualTo(commit);
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void withoutUpdateAPinnedBranchStaysAndNoConnectionIsOpened() throws Exception {
        pull("hf://org/tiny");
        String old = repo.commit();
        repo.newCommit();
        hub.clearRequests();
        assertThat(pull()).isZero();
        assertThat(out()).endsWith("(hit)\n");
        assertThat(((Pin.Hub) pin("hf://org/tiny")).commit()).isEqualTo(old);
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void updateOfflineFailsSayingItNeedsTheNetwork() {
        pull("hf://org/tiny");
        hub.clearRequests();
        assertThat(pull("--update", "--offline")).isEqualTo(1);
        assertThat(err()).contains("cannot update hf://org/tiny: offline=true").contains("pull --update");
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void updateOfAUrlRevalidatesWithItsEtagAndDownloadsAgainOnlyWhenItChanged() throws Exception {
        try (ChangingFile server = new ChangingFile()) {
            String url = server.url();
            assertThat(pull(url)).isZero();
            String first = server.sha256();
            server.requests.clear();

            assertThat(pull("--update", url)).as(err()).isZero();
            assertThat(out()).contains("(up to date at " + first.substring(0, 12) + ")");
            assertThat(server.requests).containsExactly("HEAD If-None-Match=\"v1\"");

            server.change("second version, longer than the first");
            assertThat(pull("--update", url)).as(err()).isZero();
            assertThat(out()).contains("(" + first.substring(0, 12) + " -> " + server.sha256().substring(0, 12));
            Path file = store.resolve(pin(url).files().get(0).path());
            assertThat(file.toString()).endsWith("_" + server.port() + "/model.bin");
            assertThat(Files.readString(file)).isEqualTo("second version, longer than the first");
            assertThat(pin(url).files().get(0).sha256()).isEqualTo(server.sha256());
        }
    }

    @Test
    void severalSourcesDownloadAtOnceAndPrintInTheOrderGiven() throws Exception {
        try (ChangingFile server = new ChangingFile()) {
            server.gate = new CountDownLatch(3);
            List<String> urls = List.of(server.url("c.bin"), server.url("a.bin"), server.url("b.bin"));
            assertThat(pull(urls.toArray(new String[0]))).as(err()).isZero();
            assertThat(server.maxConcurrentGets.get()).as("three GETs were in flight together").isEqualTo(3);
            List<String> lines = out().lines().toList();
            assertThat(lines).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(lines.get(i)).startsWith(urls.get(i) + " -> ");
            }
        }
    }

    @Test
    void aFailedSourceDoesNotStopTheOthersAndTheExitCodeIsOne() {
        assertThat(pull("hf://org/missing", "hf://org/tiny")).isEqualTo(1);
        assertThat(err()).contains("pull failed: hf://org/missing");
        assertThat(out()).startsWith("hf://org/tiny -> ");
    }

    @Test
    void helpDescribesUpdate() {
        assertThat(new Main().run(new String[] {"pull", "--help"}, new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))).isZero();
        assertThat(out()).contains("--update").contains("up to date");
    }

    /** A web server whose files change: ETag per version, 304 for a matching If-None-Match. */
    static final class ChangingFile extends Dispatcher implements AutoCloseable {
        final MockWebServer server = new MockWebServer();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxConcurrentGets = new AtomicInteger();
        volatile CountDownLatch gate;
        volatile String text = "first version";
        volatile int version = 1;

        ChangingFile() throws Exception {
            server.setDispatcher(this);
            server.start(InetAddress.getLoopbackAddress(), 0);
        }

        String url() {
            return url("model.bin");
        }

        String url(String name) {
            return server.url("/" + name).toString();
        }

        int port() {
            return server.getPort();
        }

        void change(String newText) {
            text = newText;
            version++;
        }

        String sha256() {
            return Content.of(text).sha256();
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            String etag = "\"v" + version + "\"";
            String condition = request.getHeaders().get("If-None-Match");
            requests.add(request.getMethod() + (condition == null ? "" : " If-None-Match=" + condition));
            if (etag.equals(condition)) {
                return new MockResponse.Builder().code(304).addHeader("ETag", etag).build();
            }
            if (request.getMethod().equals("GET") && gate != null) {
                maxConcurrentGets.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                gate.countDown();
                gate.await(10, TimeUnit.SECONDS);
                inFlight.decrementAndGet();
            }
            MockResponse.Builder response = new MockResponse.Builder().addHeader("ETag", etag);
            if (request.getMethod().equals("HEAD")) {
                return response.addHeader("Content-Length", text.getBytes(StandardCharsets.UTF_8).length).build();
            }
            return response.body(text).build();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    @Test
    void includeAndExcludeFetchASubsetThatTheLockFileRecordsForTheNextPull() throws Exception {
        repo.file("onnx/model.onnx", "onnx").file("onnx/model_fp16.onnx", "fp16");
        assertThat(pull("hf://org/tiny", "--include", "*.json", "--include", "onnx/",
                "--exclude", "*_fp16.onnx")).as(err()).isZero();
        Pin.Hub pinned = (Pin.Hub) pin("hf://org/tiny");
        assertThat(pinned.files()).extracting(PinnedFile::path)
                .containsExactlyInAnyOrder("config.json", "onnx/model.onnx");
        assertThat(pinned.filter().include()).containsExactly("*.json", "onnx/");
        assertThat(pinned.filter().exclude()).containsExactly("*_fp16.onnx");
        Path snapshot = store.resolve("hub/models--org--tiny/snapshots/" + pinned.commit());
        assertThat(snapshot.resolve("model.bin")).doesNotExist();

        org.assertj.core.util.Files.delete(snapshot.toFile());
        hub.clearRequests();
        assertThat(pull()).as(err()).isZero();

        assertThat(snapshot.resolve("onnx/model.onnx")).hasContent("onnx");
        assertThat(snapshot.resolve("config.json")).exists();
        assertThat(snapshot.resolve("model.bin")).doesNotExist();
        assertThat(snapshot.resolve("onnx/model_fp16.onnx")).doesNotExist();
    }

    @Test
    void patternsThatLeaveNoFileFailNamingThePatterns() {
        assertThat(pull("hf://org/tiny", "--include", "*.gguf")).isEqualTo(1);
        assertThat(err()).contains("--include/--exclude leave none of the");
    }

    @Test
    void patternsOnASingleFileOrWithoutSourceAreRefused() {
        assertThat(pull("hf://org/tiny/config.json", "--exclude", "*.bin")).isEqualTo(1);
        assertThat(err()).contains("apply to a whole Hub repository");
        assertThat(pull("--include", "*.json")).isEqualTo(2);
        assertThat(err()).contains("need a SOURCE");
    }
}
