package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelredirect.it.apps.RepositoryProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The djl-repository and djl-cache hooks with each supported DJL version (0.30.0, the oldest, and 0.36.0) on each
 * JDK of the machine: 17 (the one running the tests) and the Temurin 25 JDK.
 */
class VersionsAndJdksIT {
    static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final String URL = "https://huggingface.co/org/m/resolve/main/model.pt";

    static Stream<Arguments> versionsAndJdks() {
        Path jdk17 = Path.of(System.getProperty("java.home"));
        return Stream.of(Djl.OLDEST_SUPPORTED, Djl.CURRENT).flatMap(version -> Stream.of(
                Arguments.of(version, "17", jdk17), Arguments.of(version, "25", TEMURIN_25)));
    }

    @ParameterizedTest(name = "DJL {0} on JDK {1}")
    @MethodSource("versionsAndJdks")
    void theRepositoryAndCacheRedirectsWork(String version, String feature, Path javaHome) throws IOException {
        assumeTrue(Files.isExecutable(javaHome.resolve("bin").resolve("java")),
                "no JDK " + feature + " at " + javaHome + ": this combination is skipped");
        Path work = Scratch.fresh("versions-and-jdks/" + version + "-jdk" + feature);
        Path store = work.resolve("store");
        try (FakeHub hub = new FakeHub()) {
            String commit = hub.model("org/m").lfs("model.pt", Content.synthetic(4096, 2)).commit();

            ChildJvm.Exit exit = Djl.app(work, version, RepositoryProbe.class, "--caches", URL).javaHome(javaHome)
                    .agent("store=" + store + ",endpoint=" + hub.endpoint()).run(Duration.ofMinutes(2));

            assertThat(exit.code()).as(exit.describe()).isZero();
            assertThat(exit.stderr()).as("warnings").doesNotContain("does not fit").doesNotContain("failed");
            assertThat(ProbeOutput.single(exit.stdout()).baseUri()).as("djl-repository")
                    .isEqualTo(RepoFolder.model(store, "org/m").snapshotFile(commit, "model.pt").toUri().toString());
            assertThat(ProbeOutput.value(exit.stdout(), "cacheDir")).as("djl-cache: Utils.getCacheDir()")
                    .isEqualTo(store.resolve("djl").toString());
            assertThat(ProbeOutput.value(exit.stdout(), "engineCacheDir")).as("djl-cache: getEngineCacheDir(..)")
                    .isEqualTo(store.resolve("engines").resolve("pytorch").toString());
            assertThat(ProbeOutput.value(exit.stdout(), "java")).as("the JDK the child ran on").isEqualTo(feature);
        }
    }
}
