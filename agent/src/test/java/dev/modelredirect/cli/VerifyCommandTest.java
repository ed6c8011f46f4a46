package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
    @TempDir
    Path store;

    FakeHub hub;
    Content weights = Content.synthetic(3000, 2);
    CliRun cli = new CliRun();

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        hub.model("org/tiny").file("config.json", "{}").lfs("model.bin", weights);
        assertThat(cli.run("pull", "hf://org/tiny", "--store", store.toString(), "--endpoint", hub.endpoint()))
                .isZero();
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private Path blob() {
        return store.resolve("hub/models--org--tiny/blobs/" + weights.sha256());
    }

    private void corruptBlob() throws Exception {
        byte[] bytes = Files.readAllBytes(blob());
        bytes[0] ^= 1;
        Files.write(blob(), bytes);
    }

    @Test
    void aCleanStoreVerifiesWithExitZero() {
        assertThat(cli.run("verify", "--store", store.toString())).isZero();
        assertThat(cli.out()).isEqualTo("verified 2 files (2.9 KiB): all match their records\n");
    }

    @Test
    void verifyReportsACorruptedBlobAndExitsOne() throws Exception {
        corruptBlob();
        String actual = Hashing.sha256Of(blob());
        assertThat(cli.run("verify", "--store", store.toString())).isEqualTo(1);
        assertThat(cli.out()).startsWith("BAD      hf://org/tiny model.bin: sha256 is " + actual + ", expected "
                + weights.sha256() + " (models.lock)\n").contains("1 problem. `verify --repair` deletes");
    }

    @Test
    void repairThenPullDownloadsTheFileAgainAndTheStoreVerifiesClean() throws Exception {
        corruptBlob();
        assertThat(cli.run("verify", "--repair", "--store", store.toString(), "--json")).isZero();
        Map<String, Object> result = Json.parseObject(cli.out());
        assertThat(result).containsEntry("problems", 1L);
        assertThat(blob()).doesNotExist();
        hub.clearRequests();
        assertThat(cli.run("pull", "hf://org/tiny", "--store", store.toString(), "--endpoint", hub.endpoint()))
                .isZero();
        assertThat(cli.out()).contains("(downloaded 2.9 KiB");
        assertThat(hub.contentGets()).isPositive();
        assertThat(cli.run("verify", "--store", store.toString())).isZero();
        assertThat(Hashing.sha256Of(blob())).isEqualTo(weights.sha256());
    }

    @Test
    void onAReadOnlyStoreVerifyWorksAndRepairFailsNamingTheStoreAndNothingChanges() throws Exception {
        corruptBlob();
        try (ReadOnlyMount mount = ReadOnlyMount.of(store)) {
            assertThat(cli.run("verify", "--store", mount.path().toString())).isEqualTo(1);
            assertThat(cli.out()).startsWith("BAD ");
            assertThat(cli.run("verify", "--repair", "--store", mount.path().toString())).isEqualTo(1);
            assertThat(cli.err()).startsWith("model-redirect: the store " + mount.path() + " is read-only")
                    .contains("verify --repair");
        }
        assertThat(blob()).exists();
    }

    @Test
    void verifyHasHelpAndRefusesASource() {
        assertThat(cli.run("verify", "--help")).isZero();
        assertThat(cli.out()).contains("--repair").contains("BAD      SOURCE PATH");
        assertThat(cli.run("verify", "hf://org/tiny")).isEqualTo(2);
        assertThat(cli.err()).contains("takes no SOURCE").contains("verify --help");
    }
}
