package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.InHouseLoader;
import dev.modelredirect.it.apps.LangChain4jEmbedProbe;
import dev.modelredirect.it.apps.OnnxSessionProbe;
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
 * User-declared hooks ({@code hook-file}) on real libraries with the real all-MiniLM-L6-v2: ONNX Runtime 1.20's
 * {@code OrtEnvironment.createSession(String, SessionOptions)} and LangChain4j's {@code OnnxEmbeddingModel(String,
 * String, PoolingMode)} constructor get the store's file for a Hub URL, an {@code hf://} source or a path under
 * {@code paths}: downloaded once, no request on the next start, nothing at all offline. A line that matches nothing is
 * one warning naming it, a malformed line one error naming its number, and with {@code strict=true} the JVM stops.
 */
class UserHooksIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String REPO = Libraries.MINILM_REPO;
    static final String ONNX_LINE = "ai.onnxruntime.OrtEnvironment#createSession(java.lang.String,"
            + "ai.onnxruntime.OrtSession$SessionOptions) arg0 path";
    static final String LANGCHAIN4J_CONSTRUCTOR = "dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel#<init>("
            + "java.lang.String,java.lang.String,dev.langchain4j.model.embedding.onnx.PoolingMode)";
    private static final String TEXT = "The store keeps one copy of every model.";
    private static final String INPUTS = "[attention_mask, input_ids, token_type_ids]";

    private static Content model;
    private static Content tokenizer;
    /** LangChain4j's embedding without the agent, from the files on disk. */
    private static String reference;

    private FakeHub hub;
    private String commit;
    private Path work;
    private Path store;

    @BeforeAll
    static void embedWithoutTheAgent() throws IOException {
        model = Libraries.miniLmModelContent();
        tokenizer = Libraries.miniLmTokenizerContent();
        Path folder = Scratch.fresh("user-hooks/reference");
        reference = Libraries.referenceEmbedding(langChain4j(folder, Libraries.miniLmModel().toString(),
                Libraries.miniLmTokenizer().toString()));
    }

    @BeforeEach
    void serveTheModelRepository(TestInfo test) throws IOException {
        hub = new FakeHub();
        commit = Libraries.serveMiniLm(hub);
        work = Scratch.fresh("user-hooks/" + test.getTestMethod().orElseThrow().getName());
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    private static ChildJvm.Builder onnx(Path folder, String model) {
        return Djl.withDefaults(ChildJvm.app(folder, OnnxSessionProbe.class.getName(), model)
                .classpath(Libraries.onnxRuntime()), folder);
    }

    private static ChildJvm.Builder langChain4j(Path folder, String model, String tokenizer) {
        return Djl.withDefaults(ChildJvm.app(folder, LangChain4jEmbedProbe.class.getName(), model, tokenizer, TEXT)
                .classpath(Libraries.langChain4j()), folder);
    }

    private ChildJvm.Builder agent(ChildJvm.Builder child, Path hookFile, String extra) {
        // one connection per file, so that "downloaded once" is an exact byte count (see SpringAiHookIT)
        return child.agent("store=" + store + ",endpoint=" + hub.endpoint() + ",engines=false,connections=1,hook-file="
                + hookFile + (extra.isEmpty() ? "" : "," + extra));
    }

    private Path hookFile(String... lines) throws IOException {
        return Files.writeString(work.resolve("hooks.txt"), String.join("\n", lines) + "\n");
    }

    private static ChildJvm.Exit succeeded(ChildJvm.Exit exit) {
        assertThat(exit.code()).as(exit.describe()).isZero();
        return exit;
    }

    @Test
    void onnxRuntimeOpensTheStoresFileForAHubUrlDownloadedOnceThenWithoutAnyRequestAndOffline() throws IOException {
        Path hooks = hookFile("# ONNX Runtime", ONNX_LINE);
        String url = "https://huggingface.co/" + REPO + "/resolve/main/onnx/model.onnx";

        ChildJvm.Exit first = succeeded(agent(onnx(work, url), hooks, "").run(TIMEOUT));

        assertThat(ProbeOutput.value(first.stdout(), "inputs")).isEqualTo(INPUTS);
        assertThat(first.stderr()).contains("hooks=").contains("user")
                .contains(url + " -> hub/models--sentence-transformers--all-MiniLM-L6-v2/snapshots/" + commit
                        + "/onnx/model.onnx (downloaded");
        RepoFolder repo = RepoFolder.model(store, REPO);
        assertThat(RepoFolder.sha256(repo.snapshotFile(commit, "onnx/model.onnx"))).isEqualTo(model.sha256());
        assertThat(CdnTraffic.bytesRequested(hub, model.size())).isEqualTo(model.size());
        hub.clearRequests();

        ChildJvm.Exit second = succeeded(agent(onnx(work, url), hooks, "").run(TIMEOUT));
        assertThat(hub.requests()).as("requests of the second start").isEmpty();
        assertThat(second.stderr()).contains("(hit)");

        ChildJvm.Builder offline = agent(onnx(work, url), hooks, "offline=true");
        if (Netns.available(work)) {
            offline.under(Netns.EMPTY);
        }
        assertThat(ProbeOutput.value(succeeded(offline.run(TIMEOUT)).stdout(), "inputs")).isEqualTo(INPUTS);

        ChildJvm.Exit alone = onnx(work, url).run(TIMEOUT);
        assertThat(alone.code()).as("without the agent ONNX Runtime cannot open a URL: %s", alone.describe())
                .isNotZero();
    }

    @Test
    void aLocalPathUnderPathsIsMovedIntoTheStoreAndTheOldPlaceLeftAlone() throws IOException {
        Path legacy = Files.createDirectories(work.resolve("legacy-models"));
        Path old = Files.copy(Libraries.miniLmModel(), legacy.resolve("minilm.onnx"));
        Path hooks = hookFile(ONNX_LINE);

        ChildJvm.Exit exit = succeeded(agent(onnx(work, old.toString()), hooks, "paths=" + legacy + "=>onnx")
                .run(TIMEOUT));

        assertThat(ProbeOutput.value(exit.stdout(), "inputs")).isEqualTo(INPUTS);
        assertThat(exit.stderr()).contains(old + " -> onnx/minilm.onnx (imported)");
        assertThat(RepoFolder.sha256(store.resolve("onnx/minilm.onnx"))).isEqualTo(model.sha256());
        assertThat(RepoFolder.sha256(old)).isEqualTo(model.sha256());
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void langChain4jGetsModelAndTokenizerFromTheStoreForHfSourcesAndEmbedsAsWithItsOwnFiles() throws IOException {
        Path hooks = hookFile("# LangChain4j: the model path, then the tokenizer path",
                LANGCHAIN4J_CONSTRUCTOR + " arg0 path", LANGCHAIN4J_CONSTRUCTOR + " arg1 path");
        String modelSource = "hf://" + REPO + "/onnx/model.onnx";
        String tokenizerSource = "https://huggingface.co/" + REPO + "/raw/main/tokenizer.json";

        ChildJvm.Exit first = succeeded(agent(langChain4j(work, modelSource, tokenizerSource), hooks, "")
                .run(TIMEOUT));

        assertThat(ProbeOutput.value(first.stdout(), "embedding")).isEqualTo(reference);
        RepoFolder repo = RepoFolder.model(store, REPO);
        assertThat(RepoFolder.sha256(repo.snapshotFile(commit, "tokenizer.json"))).isEqualTo(tokenizer.sha256());
        assertThat(first.stderr()).contains(modelSource + " -> ").contains(tokenizerSource + " -> ");
        hub.clearRequests();

        ChildJvm.Exit second = succeeded(agent(langChain4j(work, modelSource, tokenizerSource), hooks, "")
                .run(TIMEOUT));
        assertThat(hub.requests()).as("requests of the second start").isEmpty();
        assertThat(ProbeOutput.value(second.stdout(), "embedding")).isEqualTo(reference);
    }

    @Test
    void anInHouseLoaderThatOpensUrlsGetsTheStoresFileAsAFileUrlForAStringSourceAndAUrl() throws IOException {
        Path hooks = hookFile("dev.modelredirect.it.apps.InHouseLoader#load(java.lang.String) arg0 source",
                "dev.modelredirect.it.apps.InHouseLoader#loadUrl(java.net.URL) arg0 source");
        String url = hub.endpoint() + "/" + REPO + "/resolve/main/tokenizer.json";

        ChildJvm.Exit exit = succeeded(agent(ChildJvm.app(work, InHouseLoader.class.getName(), url)
                .classpath(List.of(Djl.testClasses())), hooks, "").run(TIMEOUT));

        Path stored = RepoFolder.model(store, REPO).snapshotFile(commit, "tokenizer.json");
        List<String> opened = exit.stdout().lines().filter(line -> line.startsWith("opened\t")).toList();
        assertThat(opened).as("what the loader opened").containsExactly("opened\t" + stored.toUri().toURL(),
                "opened\t" + stored.toUri().toURL());
        assertThat(exit.stdout().lines().filter(line -> line.startsWith("sha256\t")))
                .containsOnly("sha256\t" + tokenizer.sha256());
        assertThat(hub.requests("GET")).filteredOn(seen -> seen.path().endsWith("/tokenizer.json")).hasSize(1);
    }

    @Test
    void aLineMatchingNothingIsOneWarningAMalformedLineOneErrorByNumberAndStrictStopsTheJvm() throws IOException {
        String missing = "ai.onnxruntime.OrtEnvironment#createSession(java.lang.String,java.lang.String) arg0 path";
        Path hooks = hookFile("# line 1 is a comment", ONNX_LINE, missing, "ai.onnxruntime.OrtEnvironment#x() arg0");
        Path local = Libraries.miniLmModel();

        ChildJvm.Exit exit = succeeded(agent(onnx(work, local.toString()), hooks, "").run(TIMEOUT));

        assertThat(ProbeOutput.value(exit.stdout(), "inputs")).isEqualTo(INPUTS);
        List<String> lines = exit.stderr().lines().toList();
        assertThat(lines).filteredOn(line -> line.contains("line 3")).singleElement().asString()
                .contains("hook user does not fit").contains(missing);
        assertThat(lines).filteredOn(line -> line.contains("line 4")).singleElement().asString()
                .startsWith("model-redirect: error: hook-file " + hooks + " line 4: ");
        assertThat(lines).noneMatch(line -> line.contains("line 2"));

        ChildJvm.Exit strict = agent(onnx(work, local.toString()), hooks, "strict=true").run(TIMEOUT);
        assertThat(strict.code()).as(strict.describe()).isEqualTo(78);
        assertThat(strict.stderr()).contains("line 4").doesNotContain("inputs");

        ChildJvm.Exit notSelected = succeeded(agent(onnx(work, local.toString()), hooks, "hooks=djl-repository")
                .run(TIMEOUT));
        assertThat(notSelected.stderr()).contains("hook-file " + hooks + " is not read: key hooks does not name the "
                + "hook user").doesNotContain("line 4");
    }
}
