package dev.modelredirect.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrlMirrorTest {
    List<UrlMirror> mirrors = List.of(new UrlMirror("https://github.com/", "http://mirror.test/gh/"),
            new UrlMirror("https://raw.githubusercontent.com/", "http://mirror.test/raw/"));

    @Test
    void aUrlUnderAPrefixIsFetchedFromItsMirrorAndOthersAreLeftAlone() {
        assertThat(UrlMirror.fetchUrl(mirrors, "https://github.com/o/r/raw/main/m.onnx"))
                .isEqualTo("http://mirror.test/gh/o/r/raw/main/m.onnx");
        assertThat(UrlMirror.fetchUrl(mirrors, "https://raw.githubusercontent.com/o/r/main/t.json"))
                .isEqualTo("http://mirror.test/raw/o/r/main/t.json");
        assertThat(UrlMirror.fetchUrl(mirrors, "https://github.community/x")).isEqualTo("https://github.community/x");
        assertThat(UrlMirror.fetchUrl(List.of(), "https://github.com/x")).isEqualTo("https://github.com/x");
    }

    @Test
    void aMirrorsUrlIsWrittenBackAsTheOriginal() {
        assertThat(UrlMirror.originalUrl(mirrors, "http://mirror.test/gh/o/r/m.onnx"))
                .isEqualTo("https://github.com/o/r/m.onnx");
        assertThat(UrlMirror.originalUrl(mirrors, "https://cdn.test/x")).isEqualTo("https://cdn.test/x");
    }

    @Test
    void badEntriesAreEachReportedOnceAndIgnored() {
        List<String> problems = new ArrayList<>();
        List<UrlMirror> parsed = UrlMirror.parse("https://ok.test/=>http://m.test/;=>http://m.test/;"
                + "https://u:p@x.test/=>http://m.test/;https://x.test/=>file:///etc/;https://q.test/=>http://m/?a=1;;",
                "agent argument mirrors", problems);
        assertThat(parsed).containsExactly(new UrlMirror("https://ok.test/", "http://m.test/"));
        assertThat(problems).hasSize(4).allMatch(p -> p.contains("agent argument mirrors") && p.contains("FROM=>TO"));
    }

    @Test
    void aBareHostPrefixMatchesThatHostOnlyNotALongerHostName() {
        List<UrlMirror> mirrors = UrlMirror.parse("https://github.com=>http://127.0.0.1:8080", "test", new ArrayList<>());
        assertThat(mirrors).containsExactly(new UrlMirror("https://github.com/", "http://127.0.0.1:8080/"));
        assertThat(UrlMirror.fetchUrl(mirrors, "https://github.com.evil.example/x.bin"))
                .isEqualTo("https://github.com.evil.example/x.bin");
        assertThat(UrlMirror.fetchUrl(mirrors, "https://github.com/org/x.bin")).isEqualTo("http://127.0.0.1:8080/org/x.bin");
    }
}
