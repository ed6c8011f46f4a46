package dev.modelredirect.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Mutations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Json} against jackson-databind ({@link ReferenceJson}): generated documents, and seeded mutants of them, get
 * the same verdict and the same value from both, except for the deliberate differences this class pins down one by
 * one (and docs/hostile-input.md lists).
 */
class JsonDifferentialTest {
    private static final long SEED = 0x5eed_14L;

    @Test
    void generatedDocumentsReadTheSameInBothParsersAndWriteBackUnchanged() {
        Random random = new Random(SEED);
        for (int i = 0; i < 3000; i++) {
            String text = new JsonGenerator(random).document();
            ReferenceJson.Verdict ours = ReferenceJson.ours(text);
            assertThat(ours.accepted()).as("ours accepts generated document #%d: %s (%s)", i, text, ours.error())
                    .isTrue();
            assertThat(ReferenceJson.assertAgree(text)).isNull();
            assertThat(ReferenceJson.canonical(Json.parse(Json.write(Json.parse(text))))).as("written back")
                    .isEqualTo(ours.value());
        }
    }

    @Test
    void seededMutantsOfGeneratedDocumentsGetTheSameVerdictFromBothParsers() {
        Random random = new Random(SEED + 1);
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            corpus.add(new JsonGenerator(random).document());
        }
        Map<String, Integer> differences = new HashMap<>();
        int ran = Mutations.ofTexts(SEED + 2, corpus).run(30_000, 1001, Duration.ofSeconds(8), input -> {
            String difference = ReferenceJson.assertAgree(new String(input, StandardCharsets.UTF_8));
            if (difference != null) {
                differences.merge(difference, 1, Integer::sum);
            }
        });
        System.out.printf("JsonDifferentialTest: %d mutants, documented differences seen: %s%n", ran, differences);
        assertThat(ran).isGreaterThan(1000);
    }

    @Test
    void theStrictGrammarIsTheReferenceOne() {
        for (String text : List.of("01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "1_000", "NaN", "Infinity",
                "[1,]", "{\"a\":1,}", "[01]", "'a'", "{a:1}", "\"\\u12G4\"", "\"\\u+123\"", "\"\\u-123\"", "\"\\x41\"",
                "\"tab\there\"", "[1 2]", "{\"a\" 1}", "// c\n1", "/* c */ 1", "", " ", "\u0000", "[] []", "\"a\"\"b\"",
                "tru", "nul", "falsey", "\u00a01", "1\u00a0")) {
            assertThat(ReferenceJson.jackson(text).accepted()).as("jackson refuses '%s'", text).isFalse();
            assertThat(ReferenceJson.ours(text).accepted()).as("ours refuses '%s'", text).isFalse();
        }
        for (String text : List.of("0", "-0", "-0.0e-0", "1E+2", "1e-2", "123456789012345678901234567890",
                "-9223372036854775808", "9223372036854775808", "\"\\ud800\"", "\"\\uDFFF\\ud800\"", "\"\\u0000\"",
                " \t\r\n[ ] ", "{\"\":\"\"}", "\"\\/\"", "\"\u2028\"")) {
            assertThat(ReferenceJson.assertAgree(text)).as(text).isNull();
            assertThat(ReferenceJson.ours(text).accepted()).as("ours accepts '%s'", text).isTrue();
        }
    }

    @Test
    void duplicateKeysAreRefusedAsJacksonsStrictModeRefusesThem() {
        String text = "{\"sha256\":\"aa\",\"sha256\":\"bb\"}";
        assertThat(ReferenceJson.ours(text).error()).contains("duplicate key 'sha256'");
        assertThat(ReferenceJson.jackson(text).accepted()).isFalse();
        assertThat(ReferenceJson.assertAgree("{\"a\":{\"k\":1},\"b\":{\"k\":2}}")).as("same key, other objects")
                .isNull();
    }

    @Test
    void nestingPastTwoHundredLevelsIsRefusedWhereJacksonGoesOnToAThousand() {
        String deep = "[".repeat(300) + "]".repeat(300);
        assertThat(ReferenceJson.ours(deep).error()).contains("nesting deeper than 200");
        assertThat(ReferenceJson.jackson(deep).accepted()).isTrue();
        assertThat(ReferenceJson.assertAgree(deep)).isEqualTo("depth");
        String hostile = "[".repeat(200_000);
        assertThat(ReferenceJson.ours(hostile).accepted()).isFalse();
        assertThat(ReferenceJson.jackson(hostile).accepted()).isFalse();
    }

    @Test
    void aNumberOfOverAThousandCharactersIsRefusedByBoth() {
        String digits = "1".repeat(1001);
        assertThat(ReferenceJson.ours(digits).error()).contains("number longer than 1000");
        assertThat(ReferenceJson.jackson(digits).accepted()).isFalse();
        assertThat(ReferenceJson.assertAgree("1".repeat(1000))).isNull();
    }

    @Test
    void anExponentPastTheDecimalRangeIsRefusedWhereJacksonMayReadIt() {
        String text = "1e99999999999";
        assertThat(ReferenceJson.ours(text).error()).contains("out of range");
        assertThat(ReferenceJson.assertAgree(text)).isIn(null, "exponent");
        assertThat(ReferenceJson.assertAgree("1e999999999")).as("a large exponent that fits").isNull();
    }

    @Test
    void aByteOrderMarkIsRefusedWithAMessageThatSaysSo() {
        String text = "\ufeff{\"version\":1}";
        assertThat(ReferenceJson.ours(text).error()).contains("byte order mark");
        assertThat(ReferenceJson.assertAgree(text)).isNull();
    }
}
