package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.ZooProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The djl-zoo hook with real DJL, its ONNX Runtime engine and the real all-MiniLM-L6-v2 bytes, in child JVMs with the
 * shaded agent, against {@link FakeMlRepo} (the stand-in of DJL's model repository) behind a
 * {@link ConnectionCounter}: every file of DJL's zoo comes from the store.
 */
class DjlZooHookIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final String PIN = "\"" + FakeMlRepo.DJL_URL + "\"";

    private FakeMlRepo repo;
    private ConnectionCounter counter;
    private Path work;
    private Path store;

    @BeforeEach
    void startTheRepositoryBehindAConnectionCounter() throws IOException {
        repo = new FakeMlRepo();
        counter = new ConnectionCounter(repo.port());
        work = Scratch.fresh("djl-zoo-hook");
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheServers() throws IOException {
        counter.close();
        repo.close();
    }

    @Test
    void aDjlUrlIsDownloadedOnceVerifiedAndPinnedThenServedFromTheStoreWithoutAConnection() throws IOException {
        ChildJvm.Exit first = app(Djl.CURRENT, "store=" + store + ",djl-endpoint=" + counter.url(), "url",
                FakeMlRepo.DJL_URL).run(TIMEOUT);

        assertThat(first.code()).as(first.describe()).isZero();
        assertThat(first.stdout()).as(first.describe()).containsPattern("embedding\t384\t");
        assertThat(first.stderr()).as("the redirect lines").contains(FakeMlRepo.DJL_URL + " -> zoo/"
                + FakeMlRepo.MODEL_FOLDER + "metadata.json (downloaded").contains(FakeMlRepo.DJL_URL + " -> zoo/"
                + FakeMlRepo.ARCHIVE + " (downloaded");
        Path archive = store.resolve("zoo").resolve(FakeMlRepo.ARCHIVE);
        assertThat(Files.readAllBytes(archive)).as("the stored archive").isEqualTo(repo.archive());
        String lock = Files.readString(store.resolve("models.lock"), StandardCharsets.UTF_8);
        assertThat(lock).as("models.lock").contains(PIN).contains("\"zoo/" + FakeMlRepo.ARCHIVE + "\"")
                .contains(sha256(repo.archive())).contains("\"djl://" + FakeMlRepo.GROUP + "\"");
        assertThat(repo.requests()).as("the metadata is asked once").filteredOn(r -> r.endsWith("metadata.json"))
                .hasSize(1);
        long archiveRequests = repo.requests().stream().filter(r -> r.endsWith(".zip")).count();
        assertThat(archiveRequests).as("requests for the archive").isPositive();

        // DJL's own cache gone: DJL reads the index, metadata and archive again, all from the store
        Scratch.delete(store.resolve("djl"));
        int connections = counter.connections();
        int requests = repo.requests().size();
        ChildJvm.Exit second = app(Djl.CURRENT, "store=" + store + ",djl-endpoint=" + counter.url(), "url",
                FakeMlRepo.DJL_URL).run(TIMEOUT);

        assertThat(second.code()).as(second.describe()).isZero();
        assertThat(second.stdout()).as("the same embedding").contains(line(first.stdout(), "embedding"));
        assertThat(second.stderr()).contains(FakeMlRepo.DJL_URL + " -> zoo/" + FakeMlRepo.ARCHIVE + " (hit)");
        assertThat(counter.connections() - connections).as("connections of the warm run").isZero();
        assertThat(repo.requests().size() - requests).as("requests of the warm run").isZero();
    }

    @ParameterizedTest(name = "DJL {0}")
    @ValueSource(strings = {"0.30.0", "0.32.0", "0.36.0"})
    void aZooLookupByGroupAndArtifactIdComesFromTheStoreToo(String version) {
        ChildJvm.Exit exit = app(version, "store=" + store + ",djl-endpoint=" + counter.url(), "ids",
                FakeMlRepo.GROUP, FakeMlRepo.ARTIFACT).run(TIMEOUT);

        assertThat(exit.code()).as(exit.describe()).isZero();
        assertThat(exit.stdout()).as(exit.describe()).containsPattern("embedding\t384\t");
        assertThat(exit.stderr()).as(exit.describe()).doesNotContain("does not fit")
                .contains(FakeMlRepo.DJL_URL + " -> zoo/" + FakeMlRepo.ARCHIVE + " (downloaded");
        assertThat(repo.requests()).as("the zoo's index came from the stand-in")
                .contains("GET model/nlp/text_embedding/ai/djl/huggingface/onnxruntime/models.json.gz");
    }

    @ParameterizedTest(name = "DJL {0}")
    @ValueSource(strings = {"0.30.0", "0.32.0"})
    void onOlderDjlTheDjlUrlLoadsFromTheStoreAndOfflineAfterwards(String version) {
        ChildJvm.Exit first = app(version, "store=" + store + ",djl-endpoint=" + counter.url(), "url",
                FakeMlRepo.DJL_URL).run(TIMEOUT);
        assertThat(first.code()).as(first.describe()).isZero();
        assertThat(first.stdout()).as(first.describe()).containsPattern("embedding\t384\t");
        assertThat(first.stderr()).as(first.describe()).doesNotContain("does not fit");

        Scratch.delete(store.resolve("djl"));
        int connections = counter.connections();
        ChildJvm.Exit offline = app(version, "store=" + store + ",djl-endpoint=" + counter.url() + ",offline=true",
                "url", FakeMlRepo.DJL_URL).run(TIMEOUT);
        assertThat(offline.code()).as(offline.describe()).isZero();
        assertThat(offline.stdout()).contains(line(first.stdout(), "embedding"));
        assertThat(counter.connections() - connections).as("connections of the offline run").isZero();
    }

    @Test
    void onJdk25TheDjlUrlLoadsFromTheStore() {
        Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(jdk25), "JDK 25 is not installed here");
        ChildJvm.Exit exit = app(Djl.CURRENT, "store=" + store + ",djl-endpoint=" + counter.url(), "url",
                FakeMlRepo.DJL_URL).javaHome(jdk25).run(TIMEOUT);

        assertThat(exit.code()).as(exit.describe()).isZero();
        assertThat(exit.stdout()).as(exit.describe()).containsPattern("embedding\t384\t");
    }

    @Test
    void offlineAMissOpensNoConnectionAndSaysWhichPullFetchesIt() {
        ChildJvm.Exit exit = app(Djl.CURRENT, "store=" + store + ",djl-endpoint=" + counter.url() + ",offline=true",
                "url", FakeMlRepo.DJL_URL).run(TIMEOUT);

        assertThat(exit.code()).as(exit.describe()).isEqualTo(4);
        String error = line(exit.stdout(), "error");
        assertThat(error).as(exit.describe()).contains("model-redirect: cannot serve " + FakeMlRepo.DJL_URL)
                .contains("offline=true").contains("pull " + FakeMlRepo.DJL_URL);
        assertThat(counter.connections()).as("connections").isZero();
        assertThat(repo.requests()).as("requests").isEmpty();
    }

    @Test
    void anArchiveThatDoesNotMatchItsSha1IsRefusedAndLeavesTheStoreAsItWas() throws IOException {
        repo.corruptTheArchive();
        ChildJvm.Exit exit = app(Djl.CURRENT, "store=" + store + ",djl-endpoint=" + counter.url(), "url",
                FakeMlRepo.DJL_URL).run(TIMEOUT);

        assertThat(exit.code()).as(exit.describe()).isEqualTo(4);
        assertThat(line(exit.stdout(), "error")).as(exit.describe()).contains(FakeMlRepo.DJL_URL).contains("sha1");
        Path folder = store.resolve("zoo").resolve(FakeMlRepo.ARCHIVE).getParent();
        assertThat(filesIn(folder)).as("what is left in " + folder).isEmpty();
        assertThat(Files.readString(store.resolve("models.lock"), StandardCharsets.UTF_8)).as("models.lock")
                .doesNotContain(FakeMlRepo.ARCHIVE);
    }

    @Test
    void aPulledModelLoadsOfflineWithoutAConnection() {
        ChildJvm.Exit pull = ChildJvm.run(TIMEOUT, work, "pull", FakeMlRepo.DJL_URL, "--store", store.toString(),
                "--djl-endpoint", counter.url());
        assertThat(pull.code()).as(pull.describe()).isZero();
        assertThat(pull.stdout()).contains(FakeMlRepo.DJL_URL + " -> ");
        ChildJvm.Exit which = ChildJvm.run(TIMEOUT, work, "which", FakeMlRepo.DJL_URL, "--store", store.toString());
        assertThat(which.code()).as(which.describe()).isZero();
        assertThat(which.stdout().trim()).endsWith(FakeMlRepo.MODEL_FOLDER.substring(0,
                FakeMlRepo.MODEL_FOLDER.length() - 1));
        ChildJvm.Exit verify = ChildJvm.run(TIMEOUT, work, "verify", "--store", store.toString());
        assertThat(verify.code()).as(verify.describe()).isZero();

        int connections = counter.connections();
        ChildJvm.Exit exit = app(Djl.CURRENT, "store=" + store + ",djl-endpoint=" + counter.url() + ",offline=true",
                "url", FakeMlRepo.DJL_URL).run(TIMEOUT);

        assertThat(exit.code()).as(exit.describe()).isZero();
        assertThat(exit.stdout()).containsPattern("embedding\t384\t");
        assertThat(counter.connections() - connections).as("connections of the offline run").isZero();
    }

    @Test
    void aServedStoreIsTheDjlEndpointOfAnotherMachine() throws Exception {
        ChildJvm.Exit pull = ChildJvm.run(TIMEOUT, work, "pull", FakeMlRepo.DJL_URL, "--store", store.toString(),
                "--djl-endpoint", counter.url());
        assertThat(pull.code()).as(pull.describe()).isZero();
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (ChildJvm serve = ChildJvm.cli(work, "serve", "--store", store.toString(), "--port",
                String.valueOf(port), "--bind", "127.0.0.1").start()) {
            Poll.until(Duration.ofSeconds(60), "serve to listen", () -> serve.stdout().contains("serving")
                    || !serve.isAlive(), serve::stderr);
            int requests = repo.requests().size();
            Path other = work.resolve("other-store");
            ChildJvm.Exit exit = app(Djl.CURRENT, "store=" + other + ",djl-endpoint=http://127.0.0.1:" + port + "/",
                    "url", FakeMlRepo.DJL_URL).run(TIMEOUT);

            assertThat(exit.code()).as(exit.describe() + "\n--- serve:\n" + serve.stderr()).isZero();
            assertThat(exit.stdout()).containsPattern("embedding\t384\t");
            assertThat(Files.readAllBytes(other.resolve("zoo").resolve(FakeMlRepo.ARCHIVE)))
                    .isEqualTo(repo.archive());
            assertThat(repo.requests().size() - requests).as("requests to the first repository").isZero();
        }
    }

    private ChildJvm.Builder app(String version, String agentArgs, String... args) {
        List<Path> classpath = new ArrayList<>(Djl.classpath(version));
        classpath.addAll(jarsIn(Path.of(System.getProperty("djl.dir")).resolve("onnxruntime-" + version)));
        return ChildJvm.app(work, ZooProbe.class.getName(), args).classpath(classpath).agent(agentArgs)
                .env("DJL_CACHE_DIR", work.resolve("djl-cache").toString())
                .jvmOption("-Djava.io.tmpdir=" + work.resolve("tmp"))
                .jvmOption("-Dhttp.proxyHost=127.0.0.1").jvmOption("-Dhttp.proxyPort=9")
                .jvmOption("-Dhttps.proxyHost=127.0.0.1").jvmOption("-Dhttps.proxyPort=9");
    }

    private static List<Path> jarsIn(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<String> filesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix + "\t")).findFirst().orElse("(no " + prefix + " line)");
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(bytes));
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
