package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.PredictTinyMlp;
import dev.modelredirect.it.apps.TinyMlp;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A model loaded through the agent from the (fake) Hub predicts exactly what the same model loaded from a local folder
 * without the agent predicts: DJL 0.36.0 with the PyTorch engine, a small MLP with fixed parameters built and saved by
 * the test, served as a zip archive and as a bare {@code .params} file.
 */
class PredictionsMatchIT {
    private static final Duration TIMEOUT = SavedTinyMlp.TIMEOUT;
    private static final String HUB = "https://huggingface.co/org/mlp/resolve/main/";

    private static Path modelDir;
    private static List<String> built;

    private FakeHub hub;
    private Path work;
    private Path store;

    @BeforeAll
    static void buildAndSaveTheModel() {
        modelDir = SavedTinyMlp.get().dir();
        built = SavedTinyMlp.get().predictions();
    }

    @BeforeEach
    void serveTheModelAsAnArchiveAndAsAParamsFile(TestInfo test) throws IOException {
        hub = new FakeHub();
        hub.model("org/mlp")
                .lfs(TinyMlp.NAME + ".zip", Content.of(Zips.ofFolder(modelDir)))
                .lfs(TinyMlp.NAME + "-0000.params",
                        Content.of(Files.readAllBytes(modelDir.resolve(TinyMlp.NAME + "-0000.params"))));
        work = Scratch.fresh("predictions-match/" + test.getTestMethod().orElseThrow().getName());
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    private List<String> predictWithoutAgent(String location) {
        ChildJvm.Exit exit = Djl.pytorchApp(work, PredictTinyMlp.class, location).run(TIMEOUT);
        assertThat(exit.code()).as(exit.describe()).isZero();
        return predictions(exit);
    }

    private ChildJvm.Exit predictWithAgent(String url) {
        ChildJvm.Exit exit = Djl.pytorchApp(work, PredictTinyMlp.class, url)
                .agent("store=" + store + ",endpoint=" + hub.endpoint() + ",engines=false").run(TIMEOUT);
        assertThat(exit.code()).as(exit.describe()).isZero();
        return exit;
    }

    @Test
    void aHubArchiveLoadedThroughTheAgentPredictsExactlyWhatTheLocalFolderPredictsWithoutIt() {
        List<String> local = predictWithoutAgent(modelDir.toString());
        assertThat(local).as("the saved model loaded from its folder without the agent").isEqualTo(built);

        ChildJvm.Exit exit = predictWithAgent(HUB + TinyMlp.NAME + ".zip");

        assertThat(predictions(exit)).as("predictions with the agent (value and bits)").isEqualTo(local);
        assertThat(exit.stderr()).contains("model-redirect: " + HUB + TinyMlp.NAME + ".zip -> hub/models--org--mlp/");
        assertThat(modelLine(exit)).as("model name and folder").startsWith("model\t" + TinyMlp.NAME + "\t"
                + store.resolve("unpacked"));
    }

    @Test
    void aBareParamsFileUrlLoadsAsAModelAndPredictsTheSame() throws IOException {
        ChildJvm.Exit exit = predictWithAgent(HUB + TinyMlp.NAME + "-0000.params");

        assertThat(predictions(exit)).as("predictions with the agent from a .params file URL").isEqualTo(built);
        assertThat(exit.stderr()).contains("model-redirect: " + HUB + TinyMlp.NAME + "-0000.params -> "
                + "hub/models--org--mlp/");
        String line = modelLine(exit);
        assertThat(line).as("model name and folder: a folder of its own, named as the file's prefix")
                .startsWith("model\t" + TinyMlp.NAME + "\t" + store.resolve("unpacked"));
        Path folder = Path.of(line.split("\t")[2]);
        Path blob = RepoFolder.model(store, "org/mlp").blob(hub.model("org/mlp").content(TinyMlp.NAME
                + "-0000.params").sha256());
        assertThat(Files.isSameFile(folder.resolve(TinyMlp.NAME + "-0000.params"), blob))
                .as("the parameter file in that folder is the stored blob (a hard link), not a second copy").isTrue();
    }

    private static List<String> predictions(ChildJvm.Exit exit) {
        return SavedTinyMlp.predictions(exit.stdout());
    }

    private static String modelLine(ChildJvm.Exit exit) {
        return exit.stdout().lines().filter(line -> line.startsWith("model\t")).findFirst().orElse("");
    }
}
