package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.Attach;
import dev.modelredirect.it.apps.AttachProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent attached to a running JVM whose DJL classes are already loaded and initialised
 * (with the Attach API, from another process): the classes are retransformed and the next {@code Repository.newInstance} gets
 * the store's URL, the next {@code Utils.getCacheDir()} the store's folder.
 */
class AttachIT {
    private static final String URL = "https://huggingface.co/org/m/resolve/main/model.pt";

    @Test
    void anAgentAttachedToARunningJvmRedirectsDjlClassesAlreadyLoaded() throws IOException {
        Path work = Scratch.fresh("attach");
        Path store = work.resolve("store");
        Path ready = work.resolve("ready");
        Path go = work.resolve("go");
        try (FakeHub hub = new FakeHub();
                ChildJvm app = Djl.app(work, Djl.CURRENT, AttachProbe.class, ready.toString(), go.toString(), URL)
                        .start()) {
            String commit = hub.model("org/m").lfs("model.pt", Content.synthetic(4096, 9)).commit();
            Poll.until(Duration.ofMinutes(1), "the application has used DJL and waits",
                    () -> Files.exists(ready) || !app.isAlive(), app::stderr);
            assertThat(app.isAlive()).as(app.stderr()).isTrue();
            assertThat(app.stderr()).doesNotContain("model-redirect");

            ChildJvm.Exit attach = ChildJvm.app(work, Attach.class.getName(), String.valueOf(app.pid()),
                    ChildJvm.agentJar().toString(), "store=" + store + ",endpoint=" + hub.endpoint())
                    .classpath(List.of(Djl.testClasses())).run(Duration.ofMinutes(1));
            assertThat(attach.code()).as(attach.describe()).isZero();
            Poll.until(Duration.ofSeconds(30), "the agent has started in the application",
                    () -> app.stderr().contains("model-redirect: store="), app::stderr);
            Files.writeString(go, "go\n");

            ChildJvm.Exit exit = app.awaitExit(Duration.ofMinutes(1));
            assertThat(exit.code()).as(exit.describe()).isZero();
            assertThat(ProbeOutput.value(exit.stdout(), "before")).as("DJL alone, before the attach")
                    .doesNotContain(store.toString());
            assertThat(ProbeOutput.value(exit.stdout(), "base")).as("Repository.newInstance after the attach")
                    .isEqualTo(RepoFolder.model(store, "org/m").snapshotFile(commit, "model.pt").toUri().toString());
            assertThat(ProbeOutput.value(exit.stdout(), "cacheDir")).as("Utils.getCacheDir() after the attach")
                    .isEqualTo(store.resolve("djl").toString());
            assertThat(exit.stderr()).doesNotContain("could not be changed").doesNotContain("does not fit");
        }
    }
}
