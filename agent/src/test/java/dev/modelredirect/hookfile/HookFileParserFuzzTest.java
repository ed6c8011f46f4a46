package dev.modelredirect.hookfile;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelredirect.testing.Mutations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Any bytes as a hook file: {@link HookFileParser} never throws, every declaration it accepts is well formed (its
 * argument is a rewritable parameter and its canonical text parses back to itself), and every error is one line that
 * names the file and a line number.
 */
class HookFileParserFuzzTest {
    private static final String NAME = "hooks.txt";

    @FuzzTest(maxDuration = "60s")
    void anyHookFileIsParsedIntoValidDeclarationsOrNumberedErrors(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        HookFileParser.Parsed parsed = HookFileParser.parse(NAME, text);
        for (HookDeclaration declaration : parsed.declarations()) {
            assertThat(declaration.argument()).isBetween(0, declaration.parameterTypes().size() - 1);
            assertThat(HookFileParser.REWRITABLE).contains(declaration.argumentType());
            HookFileParser.Parsed again = HookFileParser.parse(NAME, declaration.text());
            assertThat(again.errors()).as("the canonical text of %s", declaration.text()).isEmpty();
            assertThat(again.declarations()).hasSize(1);
            assertThat(again.declarations().get(0).text()).isEqualTo(declaration.text());
        }
        for (String error : parsed.errors()) {
            assertThat(error).as("one line").doesNotContain("\n").doesNotContain("\r")
                    .startsWith(NAME + " line ");
        }
    }

    @org.junit.jupiter.api.Test
    void seededMutantsOfTheCorpusAreParsedIntoValidDeclarationsOrNumberedErrors() {
        int ran = Mutations.ofBytes(11, Mutations.corpus(HookFileParserFuzzTest.class,
                "anyHookFileIsParsedIntoValidDeclarationsOrNumberedErrors"))
                .run(5_000, 201, Duration.ofSeconds(4), this::anyHookFileIsParsedIntoValidDeclarationsOrNumberedErrors);
        assertThat(ran).isGreaterThan(200);
    }
}
