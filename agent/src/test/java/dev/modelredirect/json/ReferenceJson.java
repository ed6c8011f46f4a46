package dev.modelredirect.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * jackson-databind as the oracle of {@link Json}: both parse one text, and they must agree on accept or reject and on
 * the value. Jackson is set to its strict reading (trailing tokens and duplicate keys fail), which is what {@link Json}
 * does. The deliberate differences, each named by {@link #documentedDifference}, are the only disagreements allowed.
 */
final class ReferenceJson {
    private static final ObjectMapper JACKSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** What one parser made of a text: its value (canonical form), or why it refused. */
    record Verdict(boolean accepted, Object value, String error) {
        static Verdict refused(Throwable why) {
            return new Verdict(false, null, why.getClass().getSimpleName() + ": " + why.getMessage());
        }
    }

    private ReferenceJson() {
    }

    static Verdict ours(String text) {
        try {
            return new Verdict(true, canonical(Json.parse(text)), null);
        } catch (JsonException ex) {
            return Verdict.refused(ex);
        }
    }

    static Verdict jackson(String text) {
        try {
            JsonNode node = JACKSON.readTree(text);
            if (node == null || node.isMissingNode()) {
                return new Verdict(false, null, "no value");
            }
            return new Verdict(true, canonical(node), null);
        } catch (Exception ex) {
            return Verdict.refused(ex);
        }
    }

    /**
     * Asserts that both parsers agree on {@code text}, or that they differ in one of the documented ways; returns the
     * name of that difference, or null when they agree.
     */
    static String assertAgree(String text) {
        Verdict ours = ours(text);
        Verdict jackson = jackson(text);
        if (ours.accepted() == jackson.accepted()) {
            if (ours.accepted()) {
                assertThat(ours.value()).as("the value of %s", shown(text)).isEqualTo(jackson.value());
            }
            return null;
        }
        String difference = documentedDifference(text, ours, jackson);
        assertThat(difference).as("an undocumented disagreement on %s\nours:    %s\njackson: %s", shown(text), ours,
                jackson).isNotNull();
        return difference;
    }

    /**
     * The documented disagreement that explains two verdicts, or null: ours refuses nesting past {@link Json#MAX_DEPTH}
     * (Jackson's default limit is 1000), and an exponent too large for a decimal (Jackson reads some of them).
     */
    static String documentedDifference(String text, Verdict ours, Verdict jackson) {
        if (!ours.accepted() && ours.error().contains("nesting deeper than " + Json.MAX_DEPTH)
                && nesting(text) > Json.MAX_DEPTH) {
            return "depth";
        }
        if (!ours.accepted() && ours.error().contains("is out of range")) {
            return "exponent";
        }
        return null;
    }

    /** The deepest nesting of brackets outside strings. */
    static int nesting(String text) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                max = Math.max(max, ++depth);
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return max;
    }

    /** Our value with every number as a BigDecimal without trailing zeros, so equal numbers compare equal. */
    static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((key, element) -> out.put((String) key, canonical(element)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(element -> out.add(canonical(element)));
            return out;
        }
        if (value instanceof Long number) {
            return BigDecimal.valueOf(number).stripTrailingZeros();
        }
        if (value instanceof BigDecimal number) {
            return number.stripTrailingZeros();
        }
        return value;
    }

    private static Object canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                out.put(field.getKey(), canonical(field.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            node.forEach(element -> out.add(canonical(element)));
            return out;
        }
        if (node.isIntegralNumber()) {
            BigInteger number = node.bigIntegerValue();
            return new BigDecimal(number).stripTrailingZeros();
        }
        if (node.isNumber()) {
            return node.decimalValue().stripTrailingZeros();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return null;
    }

    private static String shown(String text) {
        String cut = text.length() > 300 ? text.substring(0, 300) + "...(" + text.length() + " chars)" : text;
        StringBuilder out = new StringBuilder("'");
        for (char c : cut.toCharArray()) {
            out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append('\'').toString();
    }
}
