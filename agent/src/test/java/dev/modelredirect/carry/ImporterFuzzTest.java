package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.testing.Mutations;
import dev.modelredirect.testing.TarChecksums;
import dev.modelredirect.testing.TreeSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Any bytes as an {@code import} archive: {@link Importer} imports them whole, or refuses them with an
 * {@link IOException} (its one-line message) and leaves the store byte for byte as it was; in either case nothing is
 * written outside the store. Each input is tried as it is and with its tar header checksums made right.
 */
class ImporterFuzzTest {
    private static final Path WORK = temporaryFolder();
    private static final AtomicInteger RUNS = new AtomicInteger();

    @FuzzTest(maxDuration = "60s")
    void anArchiveIsImportedWholeOrRefusedWithTheStoreUnchanged(byte[] input) throws IOException {
        importInto(input);
        importInto(TarChecksums.fixed(input));
    }

    @Test
    void seededMutantsOfAnExportAreImportedWholeOrRefusedWithTheStoreUnchanged() {
        int ran = Mutations.ofBytes(14, Mutations.corpus(ImporterFuzzTest.class,
                "anArchiveIsImportedWholeOrRefusedWithTheStoreUnchanged")).run(3_000, 101, Duration.ofSeconds(5),
                this::anArchiveIsImportedWholeOrRefusedWithTheStoreUnchanged);
        assertThat(ran).isGreaterThan(100);
    }

    private static void importInto(byte[] tar) throws IOException {
        Path run = Files.createDirectories(WORK.resolve("run-" + RUNS.incrementAndGet()));
        try {
            Path store = Files.createDirectories(run.resolve("store"));
            Files.writeString(store.resolve("keep.txt"), "the store's own file");
            Path archive = run.resolve("in.tar");
            Files.write(archive, tar);
            Map<String, String> before = TreeSnapshot.of(run);
            LockFile lock = new LockFile(store.resolve("models.lock"), store.resolve(".locks/models.lock.lock"));
            boolean imported;
            try {
                new Importer(store, lock).importArchive(archive);
                imported = true;
            } catch (IOException refused) {
                assertThat(refused.getMessage()).as("one line").isNotBlank().doesNotContain("\n");
                imported = false;
            }
            Map<String, String> after = TreeSnapshot.of(run);
            if (imported) {
                after.keySet().forEach(path -> assertThat(path).as("written by the import")
                        .matches("(|store|store/.*|in\\.tar)"));
                assertThat(after).containsAllEntriesOf(before);
            } else {
                assertThat(withoutLocks(after)).as("the store after a refused import").isEqualTo(withoutLocks(before));
            }
        } finally {
            dev.modelredirect.files.FileTrees.deleteTree(run);
        }
    }

    /** The tree without the lock folder, whose empty lock files an attempt may leave (as every command does). */
    private static Map<String, String> withoutLocks(Map<String, String> tree) {
        Map<String, String> out = new java.util.TreeMap<>(tree);
        out.keySet().removeIf(path -> path.startsWith("store/.locks"));
        return out;
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("importer-fuzz");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
