package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code pull --update} through the real jar: the Hub moves a branch, {@code pull} alone stays at the pin without a
 * connection, {@code pull --update} moves the pin and prints both commits, a second update is up to date.
 */
class PullUpdateIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    @Test
    void updateMovesTheBranchPinForwardAndPullAloneNeverAsks() throws IOException {
        Path work = Scratch.fresh("pull-update");
        String store = work.resolve("store").toString();
        try (FakeHub hub = new FakeHub()) {
            FakeHub.Repo repo = hub.model("org/m").file("config.json", "{\"v\":1}")
                    .lfs("model.bin", Content.synthetic(300_000, 2));
            String old = repo.commit();
            ChildJvm.Exit first = ChildJvm.cli(work, "pull", "hf://org/m", "--store", store, "--endpoint",
                    hub.endpoint()).run(TIMEOUT);
            assertThat(first.code()).as(first.describe()).isZero();

            repo.file("config.json", "{\"v\":2}").newCommit();
            hub.clearRequests();
            ChildJvm.Exit pinned = ChildJvm.cli(work, "pull", "--store", store, "--endpoint", hub.endpoint())
                    .run(TIMEOUT);
            assertThat(pinned.code()).as(pinned.describe()).isZero();
            assertThat(pinned.stdout()).contains("/snapshots/" + old).endsWith("(hit)\n");
            assertThat(hub.requests()).isEmpty();

            ChildJvm.Exit update = ChildJvm.cli(work, "pull", "--update", "--store", store, "--endpoint",
                    hub.endpoint()).run(TIMEOUT);
            assertThat(update.code()).as(update.describe()).isZero();
            assertThat(update.stdout()).contains("(" + old.substring(0, 12) + " -> " + repo.commit().substring(0, 12)
                    + ", downloaded ");
            assertThat(Files.readString(work.resolve("store/models.lock"))).contains(repo.commit())
                    .doesNotContain(old);

            ChildJvm.Exit again = ChildJvm.cli(work, "pull", "--update", "--store", store, "--endpoint",
                    hub.endpoint()).run(TIMEOUT);
            assertThat(again.stdout()).contains("(up to date at " + repo.commit().substring(0, 12) + ")");
        }
    }
}
