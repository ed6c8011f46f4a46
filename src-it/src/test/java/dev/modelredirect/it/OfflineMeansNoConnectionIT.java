package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelredirect.it.apps.PredictTinyMlp;
import dev.modelredirect.it.apps.TinyMlp;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code offline=true} and the model in the store, a DJL application that loads it with the PyTorch engine opens
 * no connection at all: run in an empty network namespace ({@code unshare -n}) under
 * {@code strace -f -e trace=connect}, it makes no AF_INET or AF_INET6 connect call. That includes DJL's call home
 * (a request to 169.254.169.254 when {@code OPT_OUT_TRACKING} is not set, which DJL alone skips only with
 * {@code DJL_OFFLINE}): these runs have no {@code OPT_OUT_TRACKING} and no {@code DJL_OFFLINE}, only the agent's
 * {@code offline=true}. The same run with {@code offline=false} shows the call home, so the test can see one.
 */
class OfflineMeansNoConnectionIT {
    private static final String URL = "https://huggingface.co/org/mlp/resolve/main/" + TinyMlp.NAME + ".zip";

    private static Path work;
    private static Path store;
    private static String endpoint;

    @BeforeAll
    static void fillTheStoreOnline() throws IOException {
        work = Scratch.fresh("offline-means-no-connection");
        assumeTrue(Netns.available(work), Netns.REASON);
        assumeTrue(strace(work), "strace is not installed (apt-get install -y strace): the test is skipped");
        store = work.resolve("store");
        SavedTinyMlp model = SavedTinyMlp.get();
        Djl.warmEngineCache(work);
        try (FakeHub hub = new FakeHub()) {
            hub.model("org/mlp").lfs(TinyMlp.NAME + ".zip", Content.of(Zips.ofFolder(model.dir())));
            endpoint = hub.endpoint();
            ChildJvm.Exit exit = Djl.pytorchApp(work, PredictTinyMlp.class, URL)
                    .agent("store=" + store + ",endpoint=" + endpoint + ",engines=false").run(SavedTinyMlp.TIMEOUT);
            assertThat(exit.code()).as(exit.describe()).isZero();
            assertThat(SavedTinyMlp.predictions(exit.stdout())).isEqualTo(model.predictions());
        }
    }

    private static boolean strace(Path folder) {
        try {
            return ChildJvm.program(folder, "strace", "-V").run(Duration.ofSeconds(30)).code() == 0;
        } catch (RuntimeException ex) {
            return false;
        }
    }

    /** The application in an empty network namespace under strace; returns its exit and the connect calls. */
    private static Traced runTraced(String name, boolean offline) throws IOException {
        Path trace = work.resolve(name + ".strace");
        List<String> prefix = new ArrayList<>(Netns.EMPTY);
        prefix.addAll(List.of("strace", "-f", "-e", "trace=connect", "-o", trace.toString()));
        ChildJvm.Exit exit = ChildJvm.app(work, PredictTinyMlp.class.getName(), URL)
                .classpath(Djl.classpathWithPytorch())
                .env("DJL_CACHE_DIR", work.resolve("djl-cache").toString())
                .env("ENGINE_CACHE_DIR", Djl.sharedEngineCache().toString())
                .env("PYTORCH_FLAVOR", "cpu")
                .env("OPT_OUT_TRACKING", null)
                .agent("store=" + store + ",endpoint=" + endpoint + ",engines=false,offline=" + offline)
                .under(prefix).run(SavedTinyMlp.TIMEOUT);
        List<String> connects = Files.readAllLines(trace).stream().filter(line -> line.contains("connect(")).toList();
        return new Traced(exit, connects);
    }

    private record Traced(ChildJvm.Exit exit, List<String> connects) {
        List<String> internet() {
            return connects.stream().filter(line -> line.contains("AF_INET")).toList();
        }
    }

    @Test
    void offlineTheApplicationLoadsItsModelWithoutAnyInternetConnectCallNotEvenDjlsCallHome() throws IOException {
        Traced traced = runTraced("offline", true);

        assertThat(traced.exit().code()).as(traced.exit().describe()).isZero();
        assertThat(SavedTinyMlp.predictions(traced.exit().stdout())).isEqualTo(SavedTinyMlp.get().predictions());
        assertThat(traced.exit().stderr()).contains("offline=true").contains("(hit)");
        assertThat(traced.internet()).as("AF_INET and AF_INET6 connect calls; all connect calls: %s",
                traced.connects()).isEmpty();
    }

    @Test
    void theSameRunWithOfflineFalseShowsDjlsCallHomeSoTheTraceCanSeeIt() throws IOException {
        Traced traced = runTraced("online", false);

        assertThat(traced.exit().code()).as(traced.exit().describe()).isZero();
        assertThat(traced.exit().stderr()).as("a hit: the store opens no connection").contains("(hit)");
        assertThat(traced.internet()).as("AF_INET connect calls").isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("169.254.169.254"));
    }
}
