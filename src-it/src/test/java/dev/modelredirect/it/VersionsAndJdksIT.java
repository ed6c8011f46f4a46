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
 * The hooks with each supported DJL version (0.30.0, the oldest; 0.32.0, the one Spring AI 1.1 ships; 0.36.0) on each
 * JDK of the machine: 17 (the one running the tests) and the Temurin 25 JDK. djl-repository and djl-cache, hf-tokenizer,
 * and on each JDK spring-ai (Spring AI 1.1.2 with DJL 0.32.0) and a user-declared hook (ONNX Runtime 1.20).
 */
class VersionsAndJdksIT {
    static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final String URL = "https://huggingface.co/org/m/resolve/main/model.pt";

    /** The version Spring AI 1.1 ships. */
    static final String SPRING_AI_DJL = "0.32.0";

    static Stream<Arguments> versionsAndJdks() {
        return Stream.of(Djl.OLDEST_SUPPORTED, SPRING_AI_DJL, Djl.CURRENT).flatMap(version -> jdks()
                .map(jdk -> Arguments.of(version, jdk.get()[0], jdk.get()[1])));
    }

    static Stream<Arguments> jdks() {
        return Stream.of(Arguments.of("17", Path.of(System.getProperty("java.home"))),
                Arguments.of("25", TEMURIN_25));
    }

    private static Path workFor(String name, Path javaHome, String feature) {
        assumeTrue(Files.isExecutable(javaHome.resolve("bin").resolve("java")),
                "no JDK " + feature + " at " + javaHome + ": this combination is skipped");
        return Scratch.fresh("versions-and-jdks/" + name + "-jdk" + feature);
    }

    private static ChildJvm.Exit succeeded(ChildJvm.Exit exit) {
        assertThat(exit.code()).as(exit.describe()).isZero();
        assertThat(exit.stderr()).as("warnings").doesNotContain("does not fit").doesNotContain("failed");
        return exit;
    }

    @ParameterizedTest(name = "DJL {0} on JDK {1}")
    @MethodSource("versionsAndJdks")
    void theTokenizerHookWorks(String version, String feature, Path javaHome) throws IOException {
        Path work = workFor("tokenizer-" + version, javaHome, feature);
        Path store = work.resolve("store");
        try (FakeHub hub = new FakeHub()) {
            String commit = hub.model("org/tok").file("tokenizer.json", HfTokenizerHookIT.TOKENIZER_JSON).commit();

            ChildJvm.Exit exit = succeeded(Djl.app(work, version, dev.modelredirect.it.apps.TokenizerProbe.class,
                    "org/tok", "Hello world!").javaHome(javaHome)
                    .agent("store=" + store + ",endpoint=" + hub.endpoint() + ",engines=false")
                    .run(Duration.ofMinutes(2)));

            assertThat(ProbeOutput.value(exit.stdout(), "ids")).isEqualTo("[1, 2, 3]");
            assertThat(exit.stderr()).contains("hf://org/tok/tokenizer.json -> hub/models--org--tok/snapshots/"
                    + commit + "/tokenizer.json (downloaded");
        }
    }

    @ParameterizedTest(name = "Spring AI 1.1.2 and a user hook on ONNX Runtime on JDK {0}")
    @MethodSource("jdks")
    void theSpringAiAndUserHooksWork(String feature, Path javaHome) throws IOException {
        Path work = workFor("spring-ai-and-user", javaHome, feature);
        Path store = work.resolve("store");
        Path hooks = Files.writeString(work.resolve("hooks.txt"), UserHooksIT.ONNX_LINE + "\n");
        try (FakeHub hub = new FakeHub()) {
            String commit = Libraries.serveMiniLm(hub);
            String agent = "store=" + store + ",endpoint=" + hub.endpoint() + ",engines=false,hook-file=" + hooks;
            String base = "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/";

            ChildJvm.Exit spring = succeeded(Djl.withDefaults(ChildJvm.app(work,
                    dev.modelredirect.it.apps.SpringAiEmbedProbe.class.getName(), base + "resolve/main/onnx/model.onnx",
                    base + "raw/main/tokenizer.json", "Hello").classpath(Libraries.springAi()), work)
                    .javaHome(javaHome).agent(agent).run(Duration.ofMinutes(3)));
            assertThat(ProbeOutput.value(spring.stdout(), "dimensions")).isEqualTo("384");
            assertThat(spring.stderr()).contains("onnx/model.onnx (downloaded").contains("tokenizer.json (downloaded");

            ChildJvm.Exit onnx = succeeded(Djl.withDefaults(ChildJvm.app(work,
                    dev.modelredirect.it.apps.OnnxSessionProbe.class.getName(), base + "resolve/main/onnx/model.onnx")
                    .classpath(Libraries.onnxRuntime()), work).javaHome(javaHome).agent(agent)
                    .run(Duration.ofMinutes(2)));
            assertThat(ProbeOutput.value(onnx.stdout(), "inputs")).isEqualTo("[attention_mask, input_ids, "
                    + "token_type_ids]");
            assertThat(onnx.stderr()).contains("snapshots/" + commit + "/onnx/model.onnx (hit)");
        }
    }

    @ParameterizedTest(name = "DJL {0} on JDK {1}")
    @MethodSource("versionsAndJdks")
    void theRepositoryAndCacheRedirectsWork(String version, String feature, Path javaHome) throws IOException {
        Path work = workFor(version, javaHome, feature);
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
