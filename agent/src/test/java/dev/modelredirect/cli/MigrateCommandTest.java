package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.log.Sizes;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.HubCacheFolder;
import dev.modelredirect.testing.ReadOnlyMount;
import dev.modelredirect.testing.TreeSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrateCommandTest {
    static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path work;

    Path cache;
    Path store;
    Content weights = Content.synthetic(50_000, 4);

    @BeforeEach
    void writeAHubCache() throws Exception {
        cache = work.resolve("hub");
        store = work.resolve("store");
        HubCacheFolder.model(cache, "org", "tiny").file(COMMIT, "config.json", Content.of("{}"), false)
                .file(COMMIT, "model.bin", weights, true).ref("main", COMMIT);
    }

    @Test
    void migratePrintsWhatItImportedAndPinned() {
        CliOutcome run = CliOutcome.of("migrate", "--from", cache.toString(), "--store", store.toString());

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out).startsWith("imported 2 files (" + Sizes.human(50_002) + ", 2 hard-linked, 0 copied) "
                + "from the Hugging Face cache " + cache + " into " + store).contains("pinned hf://org/tiny@main");
        assertThat(CliOutcome.of("which", "hf://org/tiny@main/model.bin", "--store", store.toString(), "--offline").out
                .strip()).isEqualTo(store.resolve("hub/models--org--tiny/snapshots/" + COMMIT + "/model.bin")
                        .toString());
    }

    @Test
    void migrateJsonListsFilesAndSkippedThings() throws Exception {
        Files.writeString(cache.resolve("models--org--tiny/blobs/" + "f".repeat(64)), "not what the name says");

        CliOutcome run = CliOutcome.of("migrate", "--from", cache.toString(), "--store", store.toString(), "--json");

        assertThat(run.code).as(run.toString()).isZero();
        Map<String, Object> json = Json.parseObject(run.out);
        assertThat(json).containsEntry("kind", "Hugging Face cache").containsEntry("files", 2L)
                .containsEntry("hardLinked", 2L).containsEntry("pinned", List.of("hf://org/tiny@main"));
        assertThat(json.get("skipped").toString()).contains("models--org--tiny/blobs/" + "f".repeat(64))
                .contains("it is corrupted");
    }

    @Test
    void aDryRunWritesNothing() {
        CliOutcome run = CliOutcome.of("migrate", "--from", cache.toString(), "--store", store.toString(), "--dry-run");

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out).startsWith("would import 2 files");
        assertThat(store).doesNotExist();
    }

    @Test
    void withoutFromItIsAUsageErrorAndAMissingFolderAFailure() {
        CliOutcome usage = CliOutcome.of("migrate", "--store", store.toString());
        assertThat(usage.code).isEqualTo(2);
        assertThat(usage.err).contains("needs --from DIR").contains("migrate --help");

        CliOutcome missing = CliOutcome.of("migrate", "--from", work.resolve("nope").toString(), "--store",
                store.toString());
        assertThat(missing.code).isEqualTo(1);
        assertThat(missing.err).startsWith("model-redirect: migrate failed: cannot migrate ")
                .contains("it is not a folder");
    }

    @Test
    void aReadOnlyStoreIsNamedAndLeftAlone() throws Exception {
        Files.createDirectories(store);
        try (ReadOnlyMount mount = ReadOnlyMount.of(store)) {
            CliOutcome run = CliOutcome.of("migrate", "--from", cache.toString(), "--store", mount.path().toString());
            assertThat(run.code).isEqualTo(1);
            assertThat(run.err).contains("the store " + mount.path() + " is read-only, so nothing is migrated");
        }
        assertThat(TreeSnapshot.of(store).keySet()).containsExactly("");
    }

    @Test
    void helpDescribesTheThreeKindsOfFolder() {
        CliOutcome run = CliOutcome.of("migrate", "--help");
        assertThat(run.code).isZero();
        assertThat(run.out).contains("a Hugging Face cache").contains("a DJL cache").contains("--dry-run")
                .contains("--store DIR");
    }
}
