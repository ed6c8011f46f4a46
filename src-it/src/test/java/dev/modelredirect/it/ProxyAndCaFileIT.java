package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pull} through Debian's tinyproxy (Basic authentication, loopback only) and from a Hub with a private
 * certificate authority, trusted through {@code ca-file} or {@code SSL_CERT_FILE}. A recording relay in front of the
 * proxy keeps every byte the client sent it: the token never appears there, in a tunnel or in plain http.
 */
class ProxyAndCaFileIT {
    private static final String TOKEN = "hf_GatedSecretToken1234";
    private static final String PROXY_PASSWORD = "pr0xy-Pa55";
    private static final String SOURCE = "hf://org/gated";

    private final Content weights = Content.synthetic(40L << 20, 3);
    private HeldCertificate root;
    private FakeHub tlsHub;
    private Path work;
    private Path pem;

    @BeforeEach
    void startAHubWithAPrivateAuthority() throws IOException {
        root = new HeldCertificate.Builder().certificateAuthority(0).commonName("test root").build();
        HeldCertificate leaf = new HeldCertificate.Builder().addSubjectAlternativeName("localhost")
                .addSubjectAlternativeName("127.0.0.1").signedBy(root).build();
        HandshakeCertificates server = new HandshakeCertificates.Builder().heldCertificate(leaf, root.certificate())
                .build();
        tlsHub = new FakeHub(server.sslSocketFactory());
        tlsHub.model("org/gated").gated(TOKEN).file("config.json", "{\"gated\":true}").lfs("model.bin", weights);
        work = Scratch.fresh("proxy-and-ca-file");
        pem = work.resolve("company-ca.pem");
        Files.writeString(pem, root.certificatePem());
    }

    @AfterEach
    void stopTheHub() {
        tlsHub.close();
    }

    private ChildJvm.Builder pull(Path store, FakeHub hub) {
        return ChildJvm.cli(work, "pull", SOURCE, "--store", store.toString(), "--endpoint", hub.endpoint())
                .env("HF_TOKEN", TOKEN);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aGatedPullOverHttpsTunnelsThroughTheProxyAndTheTokenNeverReachesIt() throws IOException {
        try (Tinyproxy proxy = Tinyproxy.start(work.resolve("tinyproxy"), "alice", PROXY_PASSWORD);
                RecordingRelay relay = new RecordingRelay(proxy.port())) {
            Path store = work.resolve("store-tunnel");
            ChildJvm.Exit exit = pull(store, tlsHub)
                    .env("HTTPS_PROXY", "http://alice:" + PROXY_PASSWORD + "@127.0.0.1:" + relay.port())
                    .env("SSL_CERT_FILE", pem.toString())
                    .run(Duration.ofMinutes(2));

            assertThat(exit.code()).as(exit.describe() + proxy.log()).isZero();
            RepoFolder repo = RepoFolder.model(store, "org/gated");
            assertThat(RepoFolder.sha256(repo.blob(weights.sha256()))).isEqualTo(weights.sha256());
            String sent = relay.clientBytes();
            assertThat(sent).as("the client asked the proxy for a tunnel, with the proxy's credentials")
                    .contains("CONNECT localhost:" + tlsHub.endpoint().replaceAll(".*:", ""))
                    .contains("Proxy-Authorization: " + basic("alice", PROXY_PASSWORD));
            assertThat(sent).as("bytes the proxy received").doesNotContain(TOKEN).doesNotContain("Bearer");
            assertThat(tlsHub.requests()).as("requests the Hub and the CDN saw")
                    .allSatisfy(r -> assertThat(r.header("Authorization") == null || r.server().equals("hub"))
                            .as("%s %s carries the token", r.server(), r.path()).isTrue())
                    .anySatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN));
            assertThat(exit.stderr() + exit.stdout()).doesNotContain(PROXY_PASSWORD).doesNotContain(TOKEN);
        }
    }

    @Test
    void aWrongProxyPasswordFailsNamingTheProxyButNeverThePassword() throws IOException {
        try (Tinyproxy proxy = Tinyproxy.start(work.resolve("tinyproxy-wrong"), "alice", PROXY_PASSWORD)) {
            ChildJvm.Exit exit = pull(work.resolve("store-wrong"), tlsHub)
                    .env("https_proxy", "http://alice:not-the-password@127.0.0.1:" + proxy.port())
                    .env("SSL_CERT_FILE", pem.toString())
                    .run(Duration.ofMinutes(2));

            assertThat(exit.code()).as(exit.describe()).isEqualTo(1);
            assertThat(exit.stderr()).contains("through the proxy http://127.0.0.1:" + proxy.port()
                    + " (from https_proxy)").doesNotContain("not-the-password");
        }
    }

    @Test
    void inPlainHttpThroughAProxyTheTokenIsWithheldSoTheProxyNeverReadsIt() throws IOException {
        try (FakeHub plain = new FakeHub();
                Tinyproxy proxy = Tinyproxy.start(work.resolve("tinyproxy-plain"), "alice", PROXY_PASSWORD);
                RecordingRelay relay = new RecordingRelay(proxy.port())) {
            plain.model("org/gated").gated(TOKEN).file("config.json", "{}");
            ChildJvm.Exit exit = pull(work.resolve("store-plain"), plain)
                    .env("http_proxy", "http://alice:" + PROXY_PASSWORD + "@127.0.0.1:" + relay.port())
                    .run(Duration.ofMinutes(2));

            assertThat(relay.clientBytes()).as("what the proxy received").contains("GET http://")
                    .doesNotContain(TOKEN);
            assertThat(exit.code()).as("the gated repository refuses the request without token: %s",
                    exit.describe()).isEqualTo(1);
        }
    }

    @Test
    void hostsInNoProxyAreReachedDirectly() throws IOException {
        try (RecordingRelay relay = new RecordingRelay(1)) {
            Path store = work.resolve("store-direct");
            ChildJvm.Exit exit = pull(store, tlsHub)
                    .env("HTTPS_PROXY", "http://127.0.0.1:" + relay.port())
                    .env("NO_PROXY", "example.org,localhost")
                    .env("MODEL_REDIRECT_CA_FILE", pem.toString())
                    .run(Duration.ofMinutes(2));

            assertThat(exit.code()).as(exit.describe()).isZero();
            assertThat(relay.clientBytes()).isEmpty();
        }
    }

    @Test
    void aPrivateAuthorityIsRefusedUntilTheCaFileKeyNamesIt() throws IOException {
        ChildJvm.Exit refused = pull(work.resolve("store-untrusted"), tlsHub).run(Duration.ofMinutes(2));
        assertThat(refused.code()).as(refused.describe()).isEqualTo(1);
        assertThat(refused.stderr()).contains("cannot be trusted").contains("ca-file");

        Path store = work.resolve("store-trusted");
        ChildJvm.Exit trusted = pull(store, tlsHub).jvmOption("-Dmodel.redirect.ca-file=" + pem)
                .run(Duration.ofMinutes(2));
        assertThat(trusted.code()).as(trusted.describe()).isZero();
        assertThat(RepoFolder.sha256(RepoFolder.model(store, "org/gated").blob(weights.sha256())))
                .isEqualTo(weights.sha256());
    }
}
