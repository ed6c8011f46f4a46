package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.FakeLibraries;
import dev.modelredirect.testing.ReadOnlyMount;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
    private static final String TOKEN = "hf_doctorSecret4242";

    @TempDir
    Path store;

    FakeHub hub;
    FakeHub.Repo repo;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        repo = hub.model("org/tiny").file("config.json", "{}").lfs("model.bin", Content.synthetic(3000, 2));
    }

    @AfterEach
    void tearDown() {
        hub.close();
        System.clearProperty("model.redirect.token");
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Main().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int doctor(String... more) {
        List<String> words = new ArrayList<>(List.of("doctor", "--store", store.toString(), "--endpoint",
                hub.endpoint()));
        words.addAll(List.of(more));
        return run(words.toArray(new String[0]));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String line(String check) {
        return out().lines().filter(l -> l.substring(5).startsWith(check + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + check + " in\n" + out()));
    }

    private void pull(String source) {
        assertThat(run("pull", source, "--store", store.toString(), "--endpoint", hub.endpoint())).isZero();
    }

    private Path snapshotFile(String path) {
        return store.resolve("hub/models--org--tiny/snapshots/" + repo.commit() + "/" + path);
    }

    @Test
    void aHealthyStorePassesEveryCheckOneLineEachAndExitsZero() {
        pull("hf://org/tiny");
        assertThat(doctor()).as(out()).isZero();
        assertThat(line("java")).startsWith("PASS").contains("Java " + Runtime.version());
        assertThat(line("store")).startsWith("PASS").contains(store + " writable (").contains(" free)");
        assertThat(line("space")).startsWith("PASS").contains("largest pinned model hf://org/tiny is 2.9 KiB");
        assertThat(line("lock file")).startsWith("PASS").contains("1 source(s), 2 file(s), all in the store");
        assertThat(line("endpoint")).startsWith("PASS").contains(hub.endpoint() + " answers (HTTP ");
        assertThat(line("token")).startsWith("PASS").contains("none; the 1 pinned Hub repository is accessible");
        assertThat(line("hooks")).startsWith("SKIP").contains("--classpath");
    }

    @Test
    void aPinnedFileWithAnotherSizeFailsTheLockFileCheckAndExitsOne() throws Exception {
        pull("hf://org/tiny");
        Path blob = snapshotFile("model.bin").toRealPath();
        Files.write(blob, new byte[10]);
        assertThat(doctor()).isEqualTo(1);
        assertThat(line("lock file")).startsWith("FAIL")
                .contains("hf://org/tiny model.bin (10 bytes, pinned 3000)").contains("verify --repair");
    }

    @Test
    void aMissingPinnedFileIsAWarningThatSaysToPull() throws Exception {
        pull("hf://org/tiny");
        Files.delete(snapshotFile("config.json"));
        assertThat(doctor()).isZero();
        assertThat(line("lock file")).startsWith("WARN").contains("1 not in the store: hf://org/tiny config.json")
                .contains("model-redirect.jar pull");
    }

    @Test
    void offlineTheEndpointIsSkippedAndNoConnectionIsOpened() {
        pull("hf://org/tiny");
        hub.clearRequests();
        assertThat(doctor("--offline")).isZero();
        assertThat(line("endpoint")).startsWith("SKIP").contains("no connection was opened");
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void anUnreachableEndpointFailsAndSaysWhatToCheck() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(run("doctor", "--store", store.toString(), "--endpoint", "http://127.0.0.1:" + closedPort))
                .isEqualTo(1);
        assertThat(line("endpoint")).startsWith("FAIL").contains("cannot reach http://127.0.0.1:" + closedPort)
                .contains("--offline");
    }

    @Test
    void aGatedRepositoryWithFilesStillMissingAndNoTokenFailsTheTokenCheck() throws Exception {
        repo.gated(TOKEN);
        System.setProperty("model.redirect.token", TOKEN);
        pull("hf://org/tiny");
        System.clearProperty("model.redirect.token");
        Files.delete(snapshotFile("model.bin"));
        assertThat(doctor()).as(out()).isEqualTo(1);
        assertThat(line("token")).startsWith("FAIL").contains("none; org/tiny needs a token; set HF_TOKEN");
    }

    @Test
    void theTokenIsNeverPrintedOnlyWhereItCameFrom() {
        repo.gated(TOKEN);
        System.setProperty("model.redirect.token", TOKEN);
        pull("hf://org/tiny");
        assertThat(doctor("--json")).isZero();
        assertThat(out()).doesNotContain(TOKEN).contains("present (from ");
        assertThat(doctor()).isZero();
        assertThat(line("token")).startsWith("PASS").contains("not shown").contains("accessible");
        assertThat(out()).doesNotContain(TOKEN);
    }

    @Test
    void aReadOnlyStoreIsAWarningThatHitsStillWork() throws Exception {
        pull("hf://org/tiny");
        try (ReadOnlyMount readOnly = ReadOnlyMount.of(store)) {
            assertThat(run("doctor", "--store", readOnly.path().toString(), "--endpoint", hub.endpoint()))
                    .isZero();
            assertThat(line("store")).startsWith("WARN").contains("read-only: hits are served");
            assertThat(line("lock file")).startsWith("PASS");
        }
    }

    @Test
    void aStoreThatDoesNotExistYetPassesWhenItCanBeMade() {
        Path fresh = store.resolve("not/yet");
        assertThat(run("doctor", "--store", fresh.toString(), "--offline")).isZero();
        assertThat(line("store")).startsWith("PASS").contains(fresh + " does not exist yet");
        assertThat(line("lock file")).startsWith("PASS").contains("does not exist yet");
        assertThat(Files.exists(fresh)).isFalse();
    }

    @Test
    void theClassPathOptionSaysPerHookWhetherItAppliesIsAbsentOrDoesNotFit() throws Exception {
        Path good = FakeLibraries.fittingDjlApi(store.resolve("lib/api-0.36.0.jar"));
        Path bad = FakeLibraries.jar(store.resolve("lib/tokenizers-0.1.jar"), "0.1", Map.of(
                "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer", FakeLibraries.classWith(
                        "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer", "newInstance", Object.class,
                        String.class)));
        assertThat(doctor("--offline", "--classpath", good + java.io.File.pathSeparator + bad)).isEqualTo(1);
        assertThat(line("djl-repository")).startsWith("PASS")
                .contains("applies: ai.djl.repository.Repository in api-0.36.0.jar (version 0.36.0)");
        assertThat(line("djl-cache")).startsWith("FAIL").contains("no method static Path getEngineCacheDir()");
        assertThat(line("hf-tokenizer")).startsWith("FAIL")
                .contains("does not fit tokenizers-0.1.jar (version 0.1): no method static newInstance(String, Map)");
        assertThat(line("djl-call-home")).startsWith("WARN").contains("not on the class path");
    }

    @Test
    void jsonListsEveryCheckWithItsStatusAndAnOverallVerdict() {
        assertThat(doctor("--offline", "--json")).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) Json.parse(out());
        assertThat(result).containsEntry("ok", true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> checks = (List<Map<String, Object>>) result.get("checks");
        assertThat(checks).extracting(c -> c.get("check")).containsExactly("java", "store", "space", "lock file",
                "endpoint", "token", "hooks");
        assertThat(checks).allSatisfy(c -> assertThat(c.get("status")).isIn("PASS", "WARN", "SKIP"));
    }

    @Test
    void aSourceArgumentIsAUsageError() {
        assertThat(run("doctor", "hf://org/tiny")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'doctor' takes no SOURCE");
    }
}
