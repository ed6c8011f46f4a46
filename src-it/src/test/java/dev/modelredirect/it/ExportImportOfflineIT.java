package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Models carried to a machine without network: the real jar pulls a repository from a Hub into store A and exports
 * it; the archive is imported into store B, in an empty network namespace when one can be made (else with
 * {@code --offline}), and B then answers {@code which} and {@code pull --offline} as hits, the Hub seeing nothing.
 */
class ExportImportOfflineIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private FakeHub hub;
    private String commit;
    private Content weights;
    private Path work;

    @BeforeEach
    void serveATinyRepository() {
        try {
            hub = new FakeHub();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        weights = Content.synthetic(300_000, 17);
        commit = hub.model("org/tiny").file("config.json", "{\"hidden\":8}").lfs("weights/model.bin", weights)
                .commit();
        work = Scratch.fresh("export-import-offline");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    private ChildJvm.Exit cli(boolean noNetwork, String... args) {
        ChildJvm.Builder builder = ChildJvm.cli(work, args);
        if (noNetwork) {
            builder.under(Netns.EMPTY);
        }
        ChildJvm.Exit exit = builder.run(TIMEOUT);
        assertThat(exit.code()).as(exit.describe()).isZero();
        return exit;
    }

    @Test
    void aRepositoryExportedFromOneStoreIsAHitInAnotherWithoutNetwork() throws IOException {
        Path storeA = work.resolve("a");
        Path storeB = work.resolve("b");
        Path tar = work.resolve("tiny.tar");
        cli(false, "pull", "hf://org/tiny", "--store", storeA.toString(), "--endpoint", hub.endpoint());
        ChildJvm.Exit export = cli(false, "export", "hf://org/tiny", "-o", tar.toString(), "--store",
                storeA.toString());
        assertThat(export.stdout()).startsWith("exported 1 source (2 files, ");
        hub.clearRequests();
        boolean noNetwork = Netns.available(work);

        ChildJvm.Exit imported = cli(noNetwork, "import", tar.toString(), "--store", storeB.toString(), "--offline",
                "--endpoint", hub.endpoint());
        ChildJvm.Exit which = cli(noNetwork, "which", "hf://org/tiny/weights/model.bin", "--store",
                storeB.toString(), "--endpoint", hub.endpoint());
        ChildJvm.Exit whichSnapshot = cli(noNetwork, "which", "hf://org/tiny@main", "--store", storeB.toString());
        ChildJvm.Exit pull = cli(noNetwork, "pull", "hf://org/tiny", "--store", storeB.toString(), "--offline",
                "--endpoint", hub.endpoint(), "--json");

        assertThat(imported.stdout()).contains("pinned hf://org/tiny");
        Path snapshot = RepoFolder.model(storeB, "org/tiny").snapshot(commit);
        assertThat(which.stdout().strip()).isEqualTo(snapshot.resolve("weights/model.bin").toString());
        assertThat(whichSnapshot.stdout().strip()).isEqualTo(snapshot.toString());
        assertThat(RepoFolder.sha256(snapshot.resolve("weights/model.bin"))).isEqualTo(weights.sha256());
        Map<String, Object> result = Json.parseObject(Json.write(((List<?>) Json.parse(pull.stdout())).get(0)));
        assertThat(result).containsEntry("hit", true).containsEntry("path", snapshot.toString());
        assertThat(Files.readString(storeB.resolve("models.lock")))
                .isEqualTo(Files.readString(storeA.resolve("models.lock")));
        assertThat(hub.requests()).as("requests to the Hub after the export").isEmpty();
        assertThat(TreeSnapshot.of(storeB).keySet()).noneMatch(name -> name.endsWith(".tmp"));
    }
}
