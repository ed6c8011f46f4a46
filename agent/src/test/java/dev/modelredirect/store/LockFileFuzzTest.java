package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelredirect.testing.Mutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Any bytes as {@code models.lock}: {@link LockFile} reads them into pins that pass its own checks, or refuses them
 * with one line that names the file and says what to do; nothing else escapes (no runtime exception, no hang on huge
 * numbers, no stack overflow on deep nesting).
 */
class LockFileFuzzTest {
    private static final Path DIR = temporaryFolder();

    @FuzzTest(maxDuration = "60s")
    void anyLockFileIsReadOrRefusedInOneLine(byte[] input) throws IOException {
        Path file = DIR.resolve("models.lock");
        Files.write(file, input);
        LockFile lock = new LockFile(file, DIR.resolve(".locks/models.lock.lock"));
        try {
            Map<String, Pin> pins = lock.all();
            for (Pin pin : pins.values()) {
                assertThat(LockFile.problem(pin)).as("a pin that was read").isNull();
            }
        } catch (StoreException refused) {
            assertThat(refused.getMessage()).as("one line").doesNotContain("\n").doesNotContain("\r")
                    .contains(file.toString()).containsAnyOf("restore it", "fix it");
        }
    }

    @Test
    void seededMutantsOfTheCorpusAreReadOrRefusedInOneLine() {
        int ran = Mutations.ofBytes(14, Mutations.corpus(LockFileFuzzTest.class, "anyLockFileIsReadOrRefusedInOneLine"))
                .run(5_000, 201, Duration.ofSeconds(4), this::anyLockFileIsReadOrRefusedInOneLine);
        assertThat(ran).isGreaterThan(200);
    }

    private static Path temporaryFolder() {
        try {
            Path dir = Files.createTempDirectory("lockfile-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
