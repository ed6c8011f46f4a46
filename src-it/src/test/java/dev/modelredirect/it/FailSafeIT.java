package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.Hello;
import dev.modelredirect.it.apps.RepositoryProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Fail-safe: an application without DJL runs exactly as without the agent; a hook that does not fit the DJL version
 * present (DJL 0.8.0 has no {@code Utils.getCacheDir()}) is skipped with one warning and the rest works; bad keys and
 * values get one clear line each and their defaults; with {@code strict=true} either stops the JVM with exit code 78
 * before {@code main}.
 */
class FailSafeIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String URL = "https://huggingface.co/org/m/resolve/main/model.pt";

    private static List<String> agentLines(String stderr) {
        return stderr.lines().filter(line -> line.startsWith("model-redirect:")).toList();
    }

    private static Path work(TestInfo test) {
        return Scratch.fresh("fail-safe/" + test.getTestMethod().orElseThrow().getName());
    }

    @Test
    void anApplicationWithoutDjlRunsAsWithoutTheAgentPlusOneStartUpLine(TestInfo test) {
        Path work = work(test);
        ChildJvm.Exit alone = ChildJvm.app(work, Hello.class.getName(), "7", "a", "b")
                .classpath(List.of(Djl.testClasses())).run(TIMEOUT);
        ChildJvm.Exit hooked = ChildJvm.app(work, Hello.class.getName(), "7", "a", "b")
                .classpath(List.of(Djl.testClasses())).agent(null).run(TIMEOUT);

        assertThat(alone.code()).as(alone.describe()).isEqualTo(7);
        assertThat(alone.stderr()).isEmpty();
        assertThat(hooked.code()).as(hooked.describe()).isEqualTo(7);
        assertThat(hooked.stdout()).isEqualTo(alone.stdout()).isEqualTo("main started\nhello 7 a b\n");
        assertThat(hooked.stderr().lines().toList()).as("stderr with the agent").containsExactly(
                "model-redirect: store=" + work.resolve("models") + " hooks=djl-repository,djl-cache,hf-tokenizer,"
                        + "djl-zoo,paths,spring-ai offline=false");
        assertThat(work.resolve("models")).as("the default store: not made when nothing needs it").doesNotExist();
    }

    @Test
    void aHookThatDoesNotFitTheDjlVersionIsSkippedWithOneWarningAndTheOthersWork(TestInfo test) throws IOException {
        Path work = work(test);
        Path store = work.resolve("store");
        try (FakeHub hub = new FakeHub()) {
            String commit = hub.model("org/m").lfs("model.pt", Content.synthetic(4096, 1)).commit();

            ChildJvm.Exit exit = Djl.app(work, Djl.TOO_OLD, RepositoryProbe.class, URL)
                    .agent("store=" + store + ",endpoint=" + hub.endpoint()).run(TIMEOUT);

            assertThat(exit.code()).as(exit.describe()).isZero();
            List<String> warnings = agentLines(exit.stderr()).stream().filter(l -> l.contains("does not fit")).toList();
            assertThat(warnings).as("warnings about hooks that do not fit DJL " + Djl.TOO_OLD).singleElement()
                    .asString().contains("djl-cache").contains("ai.djl.util.Utils");
            assertThat(ProbeOutput.single(exit.stdout()).baseUri()).as("djl-repository still works on DJL 0.8.0")
                    .isEqualTo(RepoFolder.model(store, "org/m").snapshotFile(commit, "model.pt").toUri().toString());
        }
    }

    @Test
    void withStrictAHookThatDoesNotFitStopsTheJvmBeforeMainWithExitCode78(TestInfo test) {
        Path work = work(test);
        ChildJvm.Exit exit = Djl.app(work, Djl.TOO_OLD, RepositoryProbe.class, URL)
                .agent("store=" + work.resolve("store") + ",strict=true").run(TIMEOUT);

        assertThat(exit.code()).as(exit.describe()).isEqualTo(78);
        assertThat(exit.stdout()).as("main never ran").doesNotContain("main started");
        assertThat(agentLines(exit.stderr())).as("stderr").anySatisfy(line -> assertThat(line).contains("djl-cache")
                .contains("strict"));
    }

    @Test
    void badKeysAndValuesGetOneClearLineEachAndTheDefaults(TestInfo test) {
        Path work = work(test);
        Path store = work.resolve("store");
        ChildJvm.Exit exit = badConfiguration(work, "store=" + store + ",colour=blue,offline=perhaps,log=loud")
                .run(TIMEOUT);

        assertThat(exit.code()).as(exit.describe()).isEqualTo(7);
        assertThat(exit.stdout()).isEqualTo("main started\nhello 7\n");
        List<String> lines = agentLines(exit.stderr());
        assertThat(lines).as("stderr: " + exit.stderr()).hasSize(6);
        assertThat(lines).filteredOn(l -> l.contains("'colour'")).singleElement().asString()
                .contains("unknown key").contains("store, endpoint");
        assertThat(lines).filteredOn(l -> l.contains("'perhaps'")).singleElement().asString()
                .contains("key offline").contains("true or false");
        assertThat(lines).filteredOn(l -> l.contains("'loud'")).singleElement().asString()
                .contains("key log").contains("quiet, info or debug");
        assertThat(lines).filteredOn(l -> l.contains("'sometimes'")).singleElement().asString()
                .contains("key engines").contains("model.redirect.engines").contains("true or false");
        assertThat(lines).filteredOn(l -> l.contains("'djl-everything'")).singleElement().asString()
                .contains("hooks").contains("MODEL_REDIRECT_HOOKS").contains("djl-repository");
        assertThat(lines.get(lines.size() - 1)).as("the start-up line, with the defaults of the bad keys")
                .isEqualTo("model-redirect: store=" + store + " hooks=djl-repository offline=false");
    }

    @Test
    void withStrictBadKeysAndValuesStopTheJvmBeforeMainWithExitCode78(TestInfo test) {
        Path work = work(test);
        ChildJvm.Exit exit = badConfiguration(work, "store=" + work.resolve("store") + ",strict=true,colour=blue")
                .run(TIMEOUT);

        assertThat(exit.code()).as(exit.describe()).isEqualTo(78);
        assertThat(exit.stdout()).as("main never ran").isEmpty();
        assertThat(agentLines(exit.stderr())).anySatisfy(line -> assertThat(line).contains("'colour'"))
                .anySatisfy(line -> assertThat(line).contains("strict=true"));
    }

    /** Hello with bad values in all three places: agent argument, system property, environment variable. */
    private static ChildJvm.Builder badConfiguration(Path work, String agentArgs) {
        return ChildJvm.app(work, Hello.class.getName(), "7").classpath(List.of(Djl.testClasses()))
                .jvmOption("-Dmodel.redirect.engines=sometimes")
                .env("MODEL_REDIRECT_HOOKS", "djl-repository,djl-everything")
                .agent(agentArgs);
    }
}
