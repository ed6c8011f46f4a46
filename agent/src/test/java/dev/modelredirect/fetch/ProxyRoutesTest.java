package dev.modelredirect.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class ProxyRoutesTest {
    private static final HttpUrl HTTPS = HttpUrl.get("https://huggingface.co/x");
    private static final HttpUrl HTTP = HttpUrl.get("http://mirror.example/x");

    @Test
    void httpsAndHttpUrlsTakeTheirOwnVariableAndTheLowerCaseFormWins() {
        ProxyRoutes routes = ProxyRoutes.fromVariables(Map.of("https_proxy", "http://lower:3128",
                "HTTPS_PROXY", "http://upper:3128", "http_proxy", "plain:8080"));
        assertThat(routes.describe(HTTPS)).isEqualTo("http://lower:3128 (from https_proxy)");
        assertThat(routes.describe(HTTP)).isEqualTo("http://plain:8080 (from http_proxy)");
    }

    @Test
    void allProxyIsTheFallbackAndAMissingPortIs1080AsInCurl() {
        ProxyRoutes routes = ProxyRoutes.fromVariables(Map.of("ALL_PROXY", "proxy.corp"));
        assertThat(routes.describe(HTTPS)).isEqualTo("http://proxy.corp:1080 (from ALL_PROXY)");
        assertThat(routes.describe(HTTP)).isEqualTo("http://proxy.corp:1080 (from ALL_PROXY)");
    }

    @Test
    void noProxyMatchesDomainsWithTheirSubdomainsAddressesRangesAndTheStar() {
        ProxyRoutes routes = ProxyRoutes.fromVariables(Map.of("https_proxy", "http://p:1",
                "no_proxy", "example.com, .internal,10.0.0.0/8 ,::1,localhost:8080"));
        assertThat(routes.bypasses("example.com")).isTrue();
        assertThat(routes.bypasses("cdn.example.com")).isTrue();
        assertThat(routes.bypasses("notexample.com")).isFalse();
        assertThat(routes.bypasses("a.b.internal")).isTrue();
        assertThat(routes.bypasses("10.1.2.3")).isTrue();
        assertThat(routes.bypasses("11.1.2.3")).isFalse();
        assertThat(routes.bypasses("[::1]")).isTrue();
        assertThat(routes.bypasses("localhost")).as("the port of an entry is ignored").isTrue();
        assertThat(routes.proxied(HTTPS)).isTrue();
        assertThat(ProxyRoutes.fromVariables(Map.of("https_proxy", "http://p:1", "NO_PROXY", "*"))
                .proxied(HTTPS)).isFalse();
    }

    @Test
    void credentialsAreNeverShown() {
        ProxyRoutes routes = ProxyRoutes.fromVariables(Map.of("HTTPS_PROXY", "http://bob:hunter2@p.corp:3128"));
        assertThat(routes.toString()).doesNotContain("hunter2").doesNotContain("bob");
        assertThat(routes.describe(HTTPS)).doesNotContain("hunter2").doesNotContain("bob");
    }

    @Test
    void anUnsupportedProxySchemeFailsTheRequestWithTheVariableNamed() {
        ProxyRoutes routes = ProxyRoutes.fromVariables(Map.of("https_proxy", "https://p.corp:443"));
        assertThatThrownBy(() -> routes.check(HTTPS)).isInstanceOf(FetchException.class)
                .hasMessageContaining("https_proxy").hasMessageContaining("http://");
    }

    @Test
    void withoutVariablesEverythingIsDirect() {
        assertThat(ProxyRoutes.fromVariables(Map.of()).proxied(HTTPS)).isFalse();
        assertThat(ProxyRoutes.DIRECT.describe(HTTP)).isNull();
    }
}
