package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo application's PyTorch-engine job ({@code iris}), step by step, asserted: the Iris model is trained,
 * published and served over the Hub's protocol; the job, which names it by a huggingface.co URL, runs twice with the
 * agent pointed at the server: the model arrives in the store in the Hub layout, the second run sends no request, and
 * the predictions and accuracy equal those of the same model loaded by path without the agent.
 */
class IrisDemoIT {
    private static final String URL = "https://huggingface.co/model-redirect/iris-mlp/resolve/main/iris-mlp.zip";
    private static final Pattern ACCURACY = Pattern.compile("accuracy: ([0-9.]+)");
    private static final Pattern PREDICTIONS = Pattern.compile("predictions: (\\S+)");

    private static Path work;
    private static Path model;
    private static String trainedAccuracy;

    @BeforeAll
    static void trainTheDemoModel() throws IOException {
        work = Scratch.fresh("iris-demo");
        ChildJvm.Exit train = java(work, List.of(), "-cp", DemoJar.path().toString(), "dev.modelredirect.demo.TrainIris",
                "--out", work.resolve("build").toString()).run(Duration.ofMinutes(5));
        assertThat(train.code()).as(train.describe()).isZero();
        model = work.resolve("build/iris-mlp.zip");
        Files.createDirectories(work.resolve("repo"));
        Files.copy(model, work.resolve("repo/iris-mlp.zip"));
        Matcher matcher = Pattern.compile("\"test_accuracy\": ([0-9.]+)")
                .matcher(Files.readString(work.resolve("build/iris-mlp/model.json")));
        assertThat(matcher.find()).isTrue();
        trainedAccuracy = matcher.group(1);
    }

    @Test
    void theDemoDownloadsThroughServeThenHitsWithoutARequestAndPredictsAsTheLocalModel() throws Exception {
        Path serverStore = work.resolve("server-store");
        ChildJvm.Exit publish = ChildJvm.run(Duration.ofMinutes(1), work, "publish", work.resolve("repo").toString(),
                "hf://model-redirect/iris-mlp", "--store", serverStore.toString());
        assertThat(publish.code()).as(publish.describe()).isZero();

        Path store = work.resolve("models");
        try (ChildJvm server = ChildJvm.cli(work, "serve", "--port", "0", "--store", serverStore.toString(),
                "--offline").start()) {
            String endpoint = ServeLog.endpoint(server);
            String agent = "-javaagent:" + ChildJvm.agentJar() + "=endpoint=" + endpoint + ",store=" + store
                    + ",engines=false";

            ChildJvm.Exit first = demo(agent);
            assertThat(first.code()).as(first.describe()).isZero();
            assertThat(first.stderr()).contains("model-redirect: " + URL + " -> hub/models--model-redirect--iris-mlp/")
                    .contains("(downloaded ");
            int requestsAfterFirst = ServeLog.requests(server);
            assertThat(requestsAfterFirst).isPositive();
            Path repoDir = store.resolve("hub/models--model-redirect--iris-mlp");
            String commit = Files.readString(repoDir.resolve("refs/main"));
            Path snapshot = repoDir.resolve("snapshots/" + commit + "/iris-mlp.zip");
            assertThat(Files.isSymbolicLink(snapshot)).isTrue();
            assertThat(Files.readSymbolicLink(snapshot).toString()).startsWith("../../blobs/");
            assertThat(Files.mismatch(snapshot, model)).isEqualTo(-1L);

            ChildJvm.Exit second = demo(agent);
            assertThat(second.code()).as(second.describe()).isZero();
            assertThat(second.stderr()).contains(URL + " -> hub/models--model-redirect--iris-mlp/").contains("(hit)");
            assertThat(ServeLog.requests(server)).as("requests to the server during the second run")
                    .isEqualTo(requestsAfterFirst);

            ChildJvm.Exit local = java(work, List.of(), "-jar", DemoJar.path().toString(), "iris", "--model",
                    model.toUri().toString(), "--batches", "5").run(Duration.ofMinutes(3));
            assertThat(local.code()).as(local.describe()).isZero();

            assertThat(find(PREDICTIONS, first.stdout())).isEqualTo(find(PREDICTIONS, local.stdout()))
                    .isEqualTo(find(PREDICTIONS, second.stdout()));
            assertThat(find(ACCURACY, first.stdout())).isEqualTo(trainedAccuracy)
                    .isEqualTo(find(ACCURACY, local.stdout()));
            assertThat(Double.parseDouble(trainedAccuracy)).as("accuracy on the held-out flowers").isGreaterThan(0.9);
        }
    }

    private static ChildJvm.Exit demo(String agent) {
        return java(work, List.of(agent), "-jar", DemoJar.path().toString(), "iris", "--batches", "5")
                .run(Duration.ofMinutes(3));
    }

    private static ChildJvm.Builder java(Path dir, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(args));
        return ChildJvm.program(dir, command.toArray(new String[0]))
                .env("ENGINE_CACHE_DIR", Djl.sharedEngineCache().toString());
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as("'%s' in:\n%s", pattern, text).isTrue();
        return matcher.group(1);
    }
}
