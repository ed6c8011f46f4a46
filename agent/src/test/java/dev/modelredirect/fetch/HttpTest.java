package dev.modelredirect.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.config.NetworkSettings;
import dev.modelredirect.config.Secret;
import dev.modelredirect.testing.TestStores;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpTest {
    MockWebServer server = new MockWebServer();
    MockWebServer other = new MockWebServer();

    @BeforeEach
    void setUp() throws Exception {
        server.start(InetAddress.getLoopbackAddress(), 0);
        other.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void tearDown() {
        server.close();
        other.close();
    }

    private Http http(String endpoint, String token) {
        return new Http(new AuthPolicy(endpoint, Optional.ofNullable(token).map(t -> new Secret(t, "test"))),
                TestStores.FAST_RETRY, Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    private static String endpointOf(MockWebServer s) {
        return s.url("/").toString().replaceAll("/$", "");
    }

    @Test
    void theTokenGoesToTheEndpointButNotAcrossARedirectToAnotherPort() throws Exception {
        server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", other.url("/cdn/file")).build());
        other.enqueue(new MockResponse.Builder().code(200).body("bytes").build());
        try (Http http = http(endpointOf(server), "hf_secret")) {
            try (Response response = http.execute(http.request(server.url("/x")).build(), Http.Redirects.ALL)) {
                assertThat(response.body().string()).isEqualTo("bytes");
            }
        }
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer hf_secret");
        RecordedRequest atOther = other.takeRequest();
        assertThat(atOther.getHeaders().get("Authorization")).isNull();
    }

    @Test
    void relativeOnlyFollowsARelativeRedirectAndStopsAtAnAbsoluteOne() throws Exception {
        server.enqueue(new MockResponse.Builder().code(307).addHeader("Location", "/renamed/x").build());
        server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", other.url("/cdn")).build());
        try (Http http = http(endpointOf(server), null);
                Response response = http.execute(http.request(server.url("/x")).head().build(),
                        Http.Redirects.RELATIVE_ONLY)) {
            assertThat(response.code()).isEqualTo(302);
            assertThat(response.request().url().encodedPath()).isEqualTo("/renamed/x");
        }
        assertThat(other.getRequestCount()).isZero();
    }

    @Test
    void retryableStatusesAreRetriedHonouringRetryAfter() throws Exception {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "0").build());
        server.enqueue(new MockResponse.Builder().code(503).build());
        server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
        try (Http http = http(endpointOf(server), null);
                Response response = http.execute(http.request(server.url("/x")).build(), Http.Redirects.NONE)) {
            assertThat(response.body().string()).isEqualTo("ok");
        }
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void aConnectionRefusedEndsInAClearErrorAfterBoundedRetries() throws Exception {
        HttpUrl dead = server.url("/x");
        server.close();
        try (Http http = http("http://127.0.0.1:1", null)) {
            assertThatThrownBy(() -> http.execute(http.request(dead).build(), Http.Redirects.NONE))
                    .isInstanceOf(FetchException.class)
                    .hasMessageContaining("cannot reach")
                    .hasMessageContaining("after 4 attempts")
                    .hasMessageContaining("check the network");
        }
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        HeldCertificate self = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
        HandshakeCertificates serverCerts = new HandshakeCertificates.Builder().heldCertificate(self).build();
        MockWebServer tls = new MockWebServer();
        tls.useHttps(serverCerts.sslSocketFactory());
        tls.start(InetAddress.getLoopbackAddress(), 0);
        try (Http http = http("https://localhost:" + tls.getPort(), "hf_secret")) {
            HttpUrl url = HttpUrl.get("https://localhost:" + tls.getPort() + "/x");
            assertThatThrownBy(() -> http.execute(http.request(url).build(), Http.Redirects.NONE))
                    .isInstanceOf(FetchException.class)
                    .hasMessageContaining("cannot be trusted")
                    .hasMessageContaining("ca-file");
        } finally {
            tls.close();
        }
    }

    @Test
    void aRedirectFromHttpsDownToHttpIsRefusedAndTheTokenStaysHome() throws Exception {
        HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).build();
        HeldCertificate leaf = new HeldCertificate.Builder().addSubjectAlternativeName("localhost")
                .signedBy(root).build();
        HandshakeCertificates serverCerts = new HandshakeCertificates.Builder().heldCertificate(leaf).build();
        HandshakeCertificates clientCerts = new HandshakeCertificates.Builder()
                .addTrustedCertificate(root.certificate()).build();
        MockWebServer tls = new MockWebServer();
        tls.useHttps(serverCerts.sslSocketFactory());
        tls.start(InetAddress.getLoopbackAddress(), 0);
        String endpoint = "https://localhost:" + tls.getPort();
        tls.enqueue(new MockResponse.Builder().code(302)
                .addHeader("Location", "http://localhost:" + tls.getPort() + "/plain").build());
        try (Http http = new Http(new AuthPolicy(endpoint, Optional.of(new Secret("hf_secret", "test"))),
                TestStores.FAST_RETRY, Duration.ofSeconds(2), Duration.ofSeconds(2),
                clientCerts.sslSocketFactory(), clientCerts.trustManager())) {
            HttpUrl url = HttpUrl.get(endpoint + "/x");
            assertThatThrownBy(() -> http.execute(http.request(url).build(), Http.Redirects.ALL))
                    .isInstanceOf(FetchException.class)
                    .hasMessageContaining("from https to plain http");
            assertThat(tls.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer hf_secret");
            assertThat(tls.getRequestCount()).isEqualTo(1);
        } finally {
            tls.close();
        }
    }

    @Test
    void messagesNeverShowAQueryString() {
        assertThat(Http.describe(HttpUrl.get("https://cdn.example/f?X-Amz-Signature=abc"))).doesNotContain("abc");
    }

    @Test
    void aCaFileMakesAServerOfAPrivateAuthorityTrustedAndKeepsHostNamesChecked() throws Exception {
        HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).build();
        HeldCertificate leaf = new HeldCertificate.Builder().addSubjectAlternativeName("localhost")
                .signedBy(root).build();
        MockWebServer tls = new MockWebServer();
        tls.useHttps(new HandshakeCertificates.Builder().heldCertificate(leaf, root.certificate()).build()
                .sslSocketFactory());
        tls.start(InetAddress.getLoopbackAddress(), 0);
        java.nio.file.Path pem = java.nio.file.Files.createTempFile("ca", ".pem");
        java.nio.file.Files.writeString(pem, root.certificatePem());
        NetworkSettings network = new NetworkSettings(4, Optional.of(pem), "test", java.util.Map.of());
        tls.enqueue(new MockResponse.Builder().code(200).body("trusted").build());
        try (Http http = new Http(new AuthPolicy("https://localhost:" + tls.getPort(), Optional.empty()),
                TestStores.FAST_RETRY, Duration.ofSeconds(2), Duration.ofSeconds(2), network)) {
            try (Response response = http.execute(http.request(HttpUrl.get("https://localhost:" + tls.getPort()
                    + "/x")).build(), Http.Redirects.NONE)) {
                assertThat(response.body().string()).isEqualTo("trusted");
            }
            HttpUrl byAddress = HttpUrl.get("https://127.0.0.1:" + tls.getPort() + "/x");
            assertThatThrownBy(() -> http.execute(http.request(byAddress).build(), Http.Redirects.NONE))
                    .as("the certificate names localhost, not 127.0.0.1")
                    .isInstanceOf(java.io.IOException.class);
        } finally {
            tls.close();
            java.nio.file.Files.deleteIfExists(pem);
        }
    }

    @Test
    void aPlainHttpRequestThroughAProxyAnswersItsChallengeAndNeverCarriesTheToken() throws Exception {
        server.enqueue(new MockResponse.Builder().code(407).addHeader("Proxy-Authenticate", "Basic realm=\"p\"")
                .build());
        server.enqueue(new MockResponse.Builder().code(200).body("via proxy").build());
        NetworkSettings network = new NetworkSettings(4, Optional.empty(), "", java.util.Map.of("http_proxy",
                "http://alice:s%40cret@127.0.0.1:" + server.getPort()));
        String endpoint = "http://models.example";
        try (Http http = new Http(new AuthPolicy(endpoint, Optional.of(new Secret("hf_secret", "test"))),
                TestStores.FAST_RETRY, Duration.ofSeconds(2), Duration.ofSeconds(2), network)) {
            try (Response response = http.execute(http.request(HttpUrl.get(endpoint + "/x")).build(),
                    Http.Redirects.NONE)) {
                assertThat(response.body().string()).isEqualTo("via proxy");
            }
        }
        RecordedRequest challenged = server.takeRequest();
        RecordedRequest answered = server.takeRequest();
        assertThat(challenged.getRequestLine()).startsWith("GET http://models.example/x");
        assertThat(answered.getHeaders().get("Proxy-Authorization"))
                .isEqualTo(okhttp3.Credentials.basic("alice", "s@cret"));
        assertThat(challenged.getHeaders().get("Authorization")).isNull();
        assertThat(answered.getHeaders().get("Authorization")).isNull();
    }
}
