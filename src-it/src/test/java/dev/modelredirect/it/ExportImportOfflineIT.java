package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.PredictTinyMlp;
import dev.modelredirect.it.apps.TinyMlp;
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
 * {@code --offline}), and B then answers {@code which} and {@code pull --offline} as hits, and a DJL application
 * with the agent and {@code offline=true} loads the model from B; the Hub sees nothing after the export.
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
    void aDjlApplicationWithTheAgentOfflineLoadsTheCarriedModelFromTheOtherStore() throws IOException {
        SavedTinyMlp model = SavedTinyMlp.get();
        Djl.warmEngineCache(work);
        hub.model("org/mlp").lfs(TinyMlp.NAME + ".zip", Content.of(Zips.ofFolder(model.dir())));
        Path storeA = work.resolve("a");
        Path storeB = work.resolve("b");
        Path tar = work.resolve("mlp.tar");
        cli(false, "pull", "hf://org/mlp", "--store", storeA.toString(), "--endpoint", hub.endpoint());
        cli(false, "export", "-o", tar.toString(), "--store", storeA.toString());
        cli(Netns.available(work), "import", tar.toString(), "--store", storeB.toString(), "--offline");
        hub.clearRequests();

        String url = "https://huggingface.co/org/mlp/resolve/main/" + TinyMlp.NAME + ".zip";
        ChildJvm.Builder app = Djl.pytorchApp(work, PredictTinyMlp.class, url)
                .agent("store=" + storeB + ",endpoint=" + hub.endpoint() + ",engines=false,offline=true");
        if (Netns.available(work)) {
            app.under(Netns.EMPTY);
        }
        ChildJvm.Exit exit = app.run(SavedTinyMlp.TIMEOUT);

        assertThat(exit.code()).as(exit.describe()).isZero();
        assertThat(SavedTinyMlp.predictions(exit.stdout())).isEqualTo(model.predictions());
        assertThat(exit.stderr()).contains("offline=true").contains("(hit)");
        assertThat(hub.requests()).as("requests to the Hub after the export").isEmpty();
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
