package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's main job, step by step, asserted: the real all-MiniLM-L6-v2 files (ONNX model and tokenizer, from the
 * Maven Central jar that ships them) are published as the Hub repository sentence-transformers/all-MiniLM-L6-v2 and
 * served over the Hub's protocol; the demo application, which names the model by its huggingface.co URL and the
 * tokenizer by repository id, runs twice with the real agent jar pointed at the server: both files arrive in the store
 * in the Hub layout, byte for byte, the second run sends no request, and the ranked results and scores equal those of
 * the same files loaded by path without the agent.
 */
class DemoMainJobIT {
    private static final String REPO = "sentence-transformers/all-MiniLM-L6-v2";
    private static final String URL = "https://huggingface.co/" + REPO + "/resolve/main/onnx/model.onnx";
    private static final String TOKENIZER = "hf://" + REPO + "/tokenizer.json";
    private static final String CACHE_FOLDER = "hub/models--sentence-transformers--all-MiniLM-L6-v2/";
    /** Everything from the first query on: the ranked results with their scores. */
    private static final Pattern RESULTS = Pattern.compile("(?s)\nquery: .*");

    private static Path work;
    private static Path repo;
    private static ChildJvm server;
    private static String endpoint;

    @BeforeAll
    static void publishAndServeTheRealModel() throws IOException {
        work = Scratch.fresh("demo-main-job");
        Path files = Path.of(System.getProperty("demo.model", "../demo-app/target/demo-model")).toAbsolutePath()
                .normalize();
        assertThat(files.resolve("all-minilm-l6-v2.onnx")).as("the model unpacked by the demo-app build").exists();
        repo = Files.createDirectories(work.resolve("repo/onnx")).getParent();
        try {
            Files.createLink(repo.resolve("onnx/model.onnx"), files.resolve("all-minilm-l6-v2.onnx"));
        } catch (IOException | UnsupportedOperationException noLinks) {
            Files.copy(files.resolve("all-minilm-l6-v2.onnx"), repo.resolve("onnx/model.onnx"));
        }
        Files.copy(files.resolve("all-minilm-l6-v2-tokenizer.json"), repo.resolve("tokenizer.json"));

        Path serverStore = work.resolve("server-store");
        ChildJvm.Exit publish = ChildJvm.run(Duration.ofMinutes(2), work, "publish", repo.toString(), "hf://" + REPO,
                "--store", serverStore.toString());
        assertThat(publish.code()).as(publish.describe()).isZero();
        server = ChildJvm.cli(work, "serve", "--port", "0", "--store", serverStore.toString(), "--offline").start();
        endpoint = ServeLog.endpoint(server);
    }

    @AfterAll
    static void stopTheServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theDemoDownloadsThroughServeThenHitsWithoutARequestAndRanksAsTheLocalModel() throws Exception {
        Path store = work.resolve("models");
        String agent = "-javaagent:" + ChildJvm.agentJar() + "=endpoint=" + endpoint + ",store=" + store
                + ",engines=false";

        ChildJvm.Exit first = demo(List.of(agent));
        assertThat(first.code()).as(first.describe()).isZero();
        assertThat(first.stderr()).contains("model-redirect: " + URL + " -> " + CACHE_FOLDER)
                .contains("model-redirect: " + TOKENIZER + " -> " + CACHE_FOLDER)
                .containsPattern("onnx/model\\.onnx \\(downloaded 86\\.2 MiB in [0-9.]+s\\)")
                .containsPattern("tokenizer\\.json \\(downloaded [0-9.]+ KiB in [0-9.]+s\\)");
        assertThat(first.stdout()).contains("device: cpu (OnnxRuntime ")
                .contains("corpus: 12 sentences embedded in");
        int requestsAfterFirst = ServeLog.requests(server);
        assertThat(requestsAfterFirst).isPositive();

        Path repoDir = store.resolve(CACHE_FOLDER);
        String commit = Files.readString(repoDir.resolve("refs/main"));
        for (String file : List.of("onnx/model.onnx", "tokenizer.json")) {
            Path snapshot = repoDir.resolve("snapshots/" + commit + "/" + file);
            assertThat(Files.isSymbolicLink(snapshot)).as(file).isTrue();
            assertThat(Files.mismatch(snapshot, repo.resolve(file))).as(file + " byte for byte").isEqualTo(-1L);
        }

        ChildJvm.Exit second = demo(List.of(agent));
        assertThat(second.code()).as(second.describe()).isZero();
        assertThat(second.stderr()).contains(URL + " -> " + CACHE_FOLDER + "snapshots/" + commit
                + "/onnx/model.onnx (hit)").contains(TOKENIZER + " -> " + CACHE_FOLDER + "snapshots/" + commit
                + "/tokenizer.json (hit)");
        assertThat(ServeLog.requests(server)).as("requests to the server during the second run")
                .isEqualTo(requestsAfterFirst);

        ChildJvm.Exit local = demo(List.of(), "--model", repo.resolve("onnx/model.onnx").toUri().toString(),
                "--tokenizer", repo.toString());
        assertThat(local.code()).as(local.describe()).isZero();
        assertThat(results(first)).isEqualTo(results(second)).isEqualTo(results(local));
        assertThat(results(first))
                .containsPattern("query: How do I change my password\\?\n  1\\. 0\\.[0-9]{4}  You can reset your "
                        + "password from the sign-in page\\.")
                .containsPattern("query: Will it be wet on Saturday\\?\n  1\\. 0\\.[0-9]{4}  Heavy rain is "
                        + "expected in the north this weekend\\.")
                .containsPattern("query: Where can I buy a baguette\\?\n  1\\. 0\\.[0-9]{4}  Fresh bread is baked "
                        + "every morning at the corner bakery\\.");
    }

    @Test
    void requiringAGpuWhereThereIsNoneFailsWithOneLineSayingWhatToDo() {
        assumeThat(Path.of("/dev/nvidiactl")).as("a machine without an NVIDIA driver, as CI").doesNotExist();
        ChildJvm.Exit gpu = demo(List.of("-javaagent:" + ChildJvm.agentJar() + "=endpoint=" + endpoint + ",store="
                + work.resolve("gpu-store") + ",engines=false"), "--device", "gpu");
        assertThat(gpu.code()).as(gpu.describe()).isEqualTo(1);
        assertThat(gpu.stderr().lines().filter(l -> l.startsWith("demo: ")).toList()).containsExactly(
                "demo: --device gpu, but no CUDA GPU is visible to OnnxRuntime (no NVIDIA driver or CUDA runtime "
                        + "found); install the NVIDIA driver and CUDA libraries and build the demo with "
                        + "`mvn -Dgpu package`, or run with --device auto or cpu");
        assertThat(gpu.stdout()).doesNotContain("model:");
    }

    private static ChildJvm.Exit demo(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(DemoJar.path().toString());
        command.addAll(List.of(args));
        return ChildJvm.program(work, command.toArray(new String[0]))
                .env("ENGINE_CACHE_DIR", Djl.sharedEngineCache().toString())
                .env("DJL_CACHE_DIR", work.resolve("djl-cache").toString())
                .run(Duration.ofMinutes(3));
    }

    private static String results(ChildJvm.Exit exit) {
        Matcher matcher = RESULTS.matcher(exit.stdout());
        assertThat(matcher.find()).as("ranked results in:\n%s", exit.stdout()).isTrue();
        return matcher.group();
    }
}
