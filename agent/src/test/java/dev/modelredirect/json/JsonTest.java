package dev.modelredirect.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsEveryKindOfValue() {
        Object value = Json.parse("{\"s\":\"a\\\"b\\u00e9\\n\",\"n\":-12,\"f\":1.5e2,\"t\":true,\"z\":null,"
                + "\"a\":[1,{\"k\":[]}],\"big\":123456789012345678901234567890}");
        assertThat(value).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) value;
        assertThat(map.get("s")).isEqualTo("a\"b\u00e9\n");
        assertThat(map.get("n")).isEqualTo(-12L);
        assertThat(map.get("f")).isEqualTo(new BigDecimal("1.5e2"));
        assertThat(map.get("t")).isEqualTo(true);
        assertThat(map.containsKey("z")).isTrue();
        assertThat(map.get("a")).isEqualTo(List.of(1L, Map.of("k", List.of())));
        assertThat(map.get("big")).isInstanceOf(BigDecimal.class);
    }

    @Test
    void writesStablePrettyJsonThatReadsBack() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("b", "x\ty\u0001");
        data.put("a", List.of(1, 2L, Map.of()));
        data.put("n", null);
        String text = Json.write(data);
        assertThat(text).isEqualTo("{\n  \"b\": \"x\\ty\\u0001\",\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n"
                + "  \"n\": null\n}\n");
        assertThat(Json.parse(text)).isEqualTo(Json.parse(Json.write(Json.parse(text))));
    }

    @Test
    void badInputIsRefusedWithItsOffset() {
        assertThatThrownBy(() -> Json.parse("{\"a\":}")).isInstanceOf(JsonException.class)
                .hasMessageContaining("offset 5");
        assertThatThrownBy(() -> Json.parse("[1,2] x")).hasMessageContaining("after the JSON value");
        assertThatThrownBy(() -> Json.parse("\"open")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Json.parse("[".repeat(500))).hasMessageContaining("nesting");
        assertThatThrownBy(() -> Json.parseObject("[]")).hasMessageContaining("expected a JSON object");
    }
}
