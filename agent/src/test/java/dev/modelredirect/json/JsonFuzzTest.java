package dev.modelredirect.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelredirect.testing.Mutations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of {@link Json} with {@link ReferenceJson} as the oracle. The {@code @FuzzTest} replays its seed corpus in
 * every build and is coverage-guided with {@code JAZZER_FUZZ=1} (docs/hostile-input.md has the command); the seeded
 * test mutates the same corpus for a bounded run.
 */
class JsonFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void bothParsersAgree(byte[] input) {
        ReferenceJson.assertAgree(new String(input, StandardCharsets.UTF_8));
    }

    @Test
    void seededMutantsOfTheCorpusGetOneVerdictFromBothParsers() {
        int ran = Mutations.ofBytes(14, Mutations.corpus(JsonFuzzTest.class, "bothParsersAgree"))
                .run(20_000, 501, Duration.ofSeconds(4), this::bothParsersAgree);
        assertThat(ran).isGreaterThan(500);
    }
}
