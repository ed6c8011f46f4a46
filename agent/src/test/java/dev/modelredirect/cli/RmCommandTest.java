package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RmCommandTest {
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

    @Test
    void rmRemovesTheSourceAndSaysHowMuchSpaceCameBack() throws Exception {
        assertThat(cli.run("rm", "hf://org/tiny", "--store", store.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).isEqualTo("removed hf://org/tiny: 6 entries, 3.3 KiB came back\n");
        assertThat(store.resolve("hub/models--org--tiny")).doesNotExist();
        assertThat(Files.readString(store.resolve("models.lock"))).doesNotContain("org/tiny");
        assertThat(cli.run("which", "hf://org/tiny", "--store", store.toString())).isEqualTo(1);
    }

    @Test
    void rmAsJsonListsEveryRemovedPath() {
        assertThat(cli.run("rm", "hf://org/tiny", "--store", store.toString(), "--json", "--dry-run")).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) Json.parse(cli.out());
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("source", "hf://org/tiny").containsEntry("dryRun", true);
            assertThat((Long) r.get("bytes")).isGreaterThan(weights.size() + 2);
            assertThat((List<?>) r.get("removed")).isNotEmpty();
        });
        assertThat(store.resolve("hub/models--org--tiny")).exists();
    }

    @Test
    void anUnknownSourceExitsOneWithCloseMatchesAndAPointerToList() {
        assertThat(cli.run("rm", "hf://org/tiyn", "--store", store.toString())).isEqualTo(1);
        assertThat(cli.err()).startsWith("model-redirect: rm hf://org/tiyn failed: ")
                .contains("did you mean hf://org/tiny?").contains("model-redirect.jar list");
    }

    @Test
    void onAReadOnlyStoreRmFailsNamingTheStoreAndNothingChanges() throws Exception {
        String lock = Files.readString(store.resolve("models.lock"));
        try (ReadOnlyMount mount = ReadOnlyMount.of(store)) {
            assertThat(cli.run("rm", "hf://org/tiny", "--store", mount.path().toString())).isEqualTo(1);
            assertThat(cli.err()).contains("the store " + mount.path() + " is read-only").contains("`rm`");
        }
        assertThat(Files.readString(store.resolve("models.lock"))).isEqualTo(lock);
        assertThat(store.resolve("hub/models--org--tiny/blobs/" + weights.sha256())).exists();
    }

    @Test
    void rmNeedsASourceAndHasHelp() {
        assertThat(cli.run("rm", "--store", store.toString())).isEqualTo(2);
        assertThat(cli.err()).contains("needs at least one SOURCE");
        assertThat(cli.run("rm", "--help")).isZero();
        assertThat(cli.out()).contains("Usage: java -jar model-redirect.jar rm SOURCE...");
    }
}
