package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.EngineProbe;
import dev.modelredirect.it.apps.RepositoryProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The djl-cache hook: {@code Utils.getCacheDir()} and {@code Utils.getEngineCacheDir(..)} answer {@code <store>/djl}
 * and {@code <store>/engines} whatever {@code DJL_CACHE_DIR} says; with {@code engines=false} the engine folder is
 * DJL's own.
 */
class DjlCacheHookIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private Path work;
    private Path store;
    private Path elsewhere;

    @BeforeEach
    void freshFolders(TestInfo test) {
        work = Scratch.fresh("djl-cache-hook/" + test.getTestMethod().orElseThrow().getName());
        store = work.resolve("store");
        elsewhere = work.resolve("elsewhere");
    }

    private ChildJvm.Exit caches(ChildJvm.Builder child) {
        ChildJvm.Exit exit = child.run(TIMEOUT);
        assertThat(exit.code()).as(exit.describe()).isZero();
        return exit;
    }

    private static Path cacheDir(ChildJvm.Exit exit) {
        return Path.of(ProbeOutput.value(exit.stdout(), "cacheDir"));
    }

    private static Path engineCacheDir(ChildJvm.Exit exit) {
        return Path.of(ProbeOutput.value(exit.stdout(), "engineCacheDir"));
    }

    @Test
    void djlCacheDirInTheEnvironmentGivesWayToTheStore() {
        ChildJvm.Exit alone = caches(Djl.app(work, Djl.CURRENT, RepositoryProbe.class, "--caches")
                .env("DJL_CACHE_DIR", elsewhere.toString()).env("ENGINE_CACHE_DIR", null));
        assertThat(cacheDir(alone)).as("DJL alone").isEqualTo(elsewhere);
        assertThat(engineCacheDir(alone)).as("DJL alone").isEqualTo(elsewhere.resolve("pytorch"));

        ChildJvm.Exit hooked = caches(Djl.app(work, Djl.CURRENT, RepositoryProbe.class, "--caches")
                .env("DJL_CACHE_DIR", elsewhere.toString()).env("ENGINE_CACHE_DIR", null)
                .agent("store=" + store));
        assertThat(cacheDir(hooked)).isEqualTo(store.resolve("djl"));
        assertThat(engineCacheDir(hooked)).isEqualTo(store.resolve("engines").resolve("pytorch"));
    }

    @Test
    void djlCacheDirAsASystemPropertyAndEngineCacheDirGiveWayToTheStore() {
        ChildJvm.Exit hooked = caches(Djl.app(work, Djl.CURRENT, RepositoryProbe.class, "--caches")
                .jvmOption("-DDJL_CACHE_DIR=" + elsewhere).env("ENGINE_CACHE_DIR", elsewhere.resolve("e").toString())
                .agent("store=" + store + ",engines=true"));
        assertThat(cacheDir(hooked)).isEqualTo(store.resolve("djl"));
        assertThat(engineCacheDir(hooked)).isEqualTo(store.resolve("engines").resolve("pytorch"));
    }

    @Test
    void withEnginesFalseTheEngineFolderIsLeftToDjl() {
        Path engines = work.resolve("engine-cache");
        ChildJvm.Exit hooked = caches(Djl.app(work, Djl.CURRENT, RepositoryProbe.class, "--caches")
                .env("DJL_CACHE_DIR", elsewhere.toString()).env("ENGINE_CACHE_DIR", engines.toString())
                .agent("store=" + store + ",engines=false"));
        assertThat(cacheDir(hooked)).isEqualTo(store.resolve("djl"));
        assertThat(engineCacheDir(hooked)).as("ENGINE_CACHE_DIR, as DJL alone").isEqualTo(engines.resolve("pytorch"));
    }

    @Test
    void djlsOwnDownloadsLandInTheStoreWhenOnlyTheCacheIsHooked() throws IOException {
        try (FakeHub hub = new FakeHub()) {
            hub.model("org/m").lfs("tiny.zip", Content.of(Zips.of(Map.of("tiny-0000.params",
                    "p".getBytes(StandardCharsets.UTF_8)))));
            String url = hub.endpoint() + "/org/m/resolve/main/tiny.zip";

            ChildJvm.Exit exit = caches(Djl.app(work, Djl.CURRENT, RepositoryProbe.class, url)
                    .env("DJL_CACHE_DIR", elsewhere.toString())
                    .agent("store=" + store + ",endpoint=" + hub.endpoint() + ",hooks=djl-cache"));

            ProbeOutput.Model model = ProbeOutput.single(exit.stdout());
            assertThat(model.repositoryClass()).as("DJL downloads it itself").isEqualTo("SimpleUrlRepository");
            assertThat(model.directory()).as("DJL's download cache").startsWith(store.resolve("djl"));
            assertThat(model.directory().resolve("tiny-0000.params")).isRegularFile();
            assertThat(elsewhere).doesNotExist();
        }
    }

    @Test
    void thePyTorchEngineLoadsItsNativeLibrariesFromTheStoreWithEnginesTrue() throws Exception {
        Path shared = Djl.warmEngineCache(work);
        Path engines = Files.createDirectories(store.resolve("engines"));
        // The store's engine folder, pre-filled with hard links to the shared cache: nothing is unpacked twice.
        ChildJvm.Exit copy = ChildJvm.program(work, "cp", "-al", shared.resolve("pytorch").toString(),
                engines.toString()).run(Duration.ofMinutes(1));
        assertThat(copy.code()).as(copy.describe()).isZero();
        // the shared cache may hold other libtorch versions (DJL 0.32's, for Spring AI): DJL 0.36 maps 2.7.1
        List<Path> prefilled = Djl.libtorchUnder(engines);
        Path linked = prefilled.stream().filter(file -> file.toString().contains("/2.7.1-")).findFirst().orElseThrow();

        ChildJvm.Exit exit = caches(Djl.pytorchApp(work, EngineProbe.class).agent("store=" + store));

        List<String> natives = exit.stdout().lines().filter(line -> line.startsWith("native\t"))
                .map(line -> line.substring("native\t".length())).toList();
        assertThat(natives).as("libtorch_cpu.so mapped by the engine, with ENGINE_CACHE_DIR=" + shared)
                .containsExactly(linked.toString());
        assertThat(Djl.libtorchUnder(engines)).as("libtorch in the store: the pre-filled ones, not a new unpack")
                .containsExactlyInAnyOrderElementsOf(prefilled);
        Path sharedLibtorch = Djl.libtorchUnder(shared).stream().filter(file -> file.toString().contains("/2.7.1-"))
                .findFirst().orElseThrow();
        assertThat(Files.isSameFile(linked, sharedLibtorch)).isTrue();
    }

    @Test
    void withEnginesFalseThePyTorchEngineUsesItsOwnCache() {
        Path shared = Djl.warmEngineCache(work);

        ChildJvm.Exit exit = caches(Djl.pytorchApp(work, EngineProbe.class).agent("store=" + store
                + ",engines=false"));

        assertThat(exit.stdout()).contains("native\t" + Djl.libtorchUnder(shared).get(0));
        assertThat(store.resolve("engines")).doesNotExist();
    }
}
