package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.Hello;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code store=shared}: two projects (two working directories) of one user share one copy in the per-user data
 * directory ({@code $XDG_DATA_HOME/model-redirect}, else {@code $HOME/.local/share/model-redirect}); {@code which} and
 * the agent's start-up line show the resolved absolute path.
 */
class SharedStoreIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String SOURCE = "hf://org/shared-model";

    private FakeHub hub;
    private Content weights;
    private Path work;

    @BeforeEach
    void hubAndTwoProjects() throws IOException {
        hub = new FakeHub();
        weights = Content.synthetic(3 << 20, 41);
        hub.model("org/shared-model").file("config.json", "{}").lfs("weights.bin", weights);
        work = Scratch.fresh("shared-store");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void twoProjectsOfOneUserShareOneCopyUnderXdgDataHome() throws IOException {
        Path xdg = work.resolve("xdg-data");
        Path expectedStore = xdg.resolve("model-redirect");

        ChildJvm.Exit first = ChildJvm.cli(work.resolve("project-a"), "pull", SOURCE, "--store", "shared",
                "--endpoint", hub.endpoint()).env("XDG_DATA_HOME", xdg.toString()).run(TIMEOUT);
        assertThat(first.code()).as(first.describe()).isZero();
        assertThat(first.stdout()).as("pull names the resolved store").contains(expectedStore.toString());
        Path blobSeenByA = whichFile(work.resolve("project-a"), "XDG_DATA_HOME", xdg, expectedStore);
        hub.clearRequests();

        ChildJvm.Exit second = ChildJvm.cli(work.resolve("project-b"), "pull", SOURCE, "--store", "shared",
                "--endpoint", hub.endpoint()).env("XDG_DATA_HOME", xdg.toString()).run(TIMEOUT);
        assertThat(second.code()).as(second.describe()).isZero();
        assertThat(second.stdout()).contains("(hit)");
        assertThat(hub.requests()).as("requests of the second project").isEmpty();
        Path blobSeenByB = whichFile(work.resolve("project-b"), "XDG_DATA_HOME", xdg, expectedStore);

        assertThat(inode(blobSeenByB)).as("the same bytes on disk for both projects").isEqualTo(inode(blobSeenByA));
        assertThat(work.resolve("project-a/models")).as("no project-local store").doesNotExist();
        assertThat(work.resolve("project-b/models")).doesNotExist();

        ChildJvm.Exit app = ChildJvm.app(work.resolve("project-b"), Hello.class.getName(), "0")
                .classpath(List.of(Djl.testClasses())).agent("store=shared").env("XDG_DATA_HOME", xdg.toString())
                .run(TIMEOUT);
        assertThat(app.code()).as(app.describe()).isZero();
        assertThat(app.stderr()).as("the agent's start-up line")
                .startsWith("model-redirect: store=" + expectedStore + " hooks=");
    }

    @Test
    void withoutXdgDataHomeTheSharedStoreIsUnderHomeLocalShare() throws IOException {
        Path home = work.resolve("home");
        Path expectedStore = home.resolve(".local/share/model-redirect");

        ChildJvm.Exit pull = ChildJvm.cli(work.resolve("project-a"), "pull", SOURCE + "/weights.bin", "--store",
                "shared", "--endpoint", hub.endpoint()).env("XDG_DATA_HOME", null).env("HOME", home.toString())
                .run(TIMEOUT);
        assertThat(pull.code()).as(pull.describe()).isZero();

        Path blob = whichFile(work.resolve("project-b"), "HOME", home, expectedStore);
        assertThat(RepoFolder.sha256(blob)).isEqualTo(weights.sha256());
    }

    /** Runs {@code which SOURCE/weights.bin --store shared} in {@code project}; returns the blob it leads to. */
    private Path whichFile(Path project, String variable, Path value, Path expectedStore) throws IOException {
        ChildJvm.Builder which = ChildJvm.cli(project, "which", SOURCE + "/weights.bin", "--store", "shared")
                .env(variable, value.toString());
        if (variable.equals("HOME")) {
            which.env("XDG_DATA_HOME", null);
        }
        ChildJvm.Exit exit = which.run(TIMEOUT);
        assertThat(exit.code()).as(exit.describe()).isZero();
        Path printed = Path.of(exit.stdout().strip());
        assertThat(printed.isAbsolute()).as("which prints an absolute path: %s", printed).isTrue();
        assertThat(printed).startsWith(expectedStore);
        return printed.toRealPath();
    }

    private static Object inode(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino");
    }
}
