package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} (the real jar, a child JVM) as a team's mirror: HTTPS with a certificate of a self-signed CA, bearer
 * tokens from a token file edited while it runs, and keep-alive; used by curl, the npm {@code @huggingface/hub}
 * client and our own jar. The CA is trusted by curl with {@code --cacert}, by node with {@code NODE_EXTRA_CA_CERTS}
 * and by our jar through the JDK's trust-store system properties.
 */
class ServeTlsTokensIT {
    private static final String CONFIG = "{\"model_type\":\"tiny\",\"hidden_size\":8}\n";
    private static final String VOCAB = "[PAD]\n[UNK]\nhello\n";
    private static final String ALPHA = "hf_teamAlpha5d1f0c88e2";
    private static final String BETA = "hf_teamBeta93ab27c410";

    private static NpmHubClient npm;

    private FakeHub hub;
    private Content weights;
    private String commit;
    private Path work;
    private Path store;

    @BeforeAll
    static void installThePinnedNpmClient() throws IOException {
        npm = NpmHubClient.install("npm-client-serve");
    }

    @BeforeEach
    void aStoreHoldingARepository() throws IOException {
        hub = new FakeHub();
        weights = Content.synthetic(2 << 20, 47);
        commit = hub.model("org/tiny").file("config.json", CONFIG).lfs("weights/model.bin", weights)
                .file("tokenizer/vocab.txt", VOCAB).commit();
        work = Scratch.fresh("serve-tls-tokens");
        store = work.resolve("store");
        ChildJvm.Exit pull = ChildJvm.run(Duration.ofMinutes(1), work, "pull", "hf://org/tiny", "--store",
                store.toString(), "--endpoint", hub.endpoint());
        assertThat(pull.code()).as(pull.describe()).isZero();
        hub.close(); // from here on, every byte comes from serve
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void overTlsWithTokensCurlTheNpmClientAndOurJarGetTheBytesAndARevokedTokenIsRefused() throws Exception {
        HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("team CA").build();
        HeldCertificate cert = new HeldCertificate.Builder().signedBy(ca).commonName("127.0.0.1")
                .addSubjectAlternativeName("127.0.0.1").build();
        Path caFile = Files.writeString(work.resolve("ca.pem"), ca.certificatePem());
        Path certFile = Files.writeString(work.resolve("server.pem"), cert.certificatePem() + ca.certificatePem());
        Path keyFile = Files.writeString(work.resolve("server.key"), cert.privateKeyPkcs8Pem());
        Path tokens = Files.writeString(work.resolve("tokens"), "# the team\n" + ALPHA + "\n");

        try (ChildJvm serve = ChildJvm.cli(work, "serve", "--port", "0", "--store", store.toString(), "--tls-cert",
                certFile.toString(), "--tls-key", keyFile.toString(), "--token-file", tokens.toString()).start()) {
            String url = ServeProcess.awaitUrl(serve, store);
            assertThat(url).startsWith("https://");
            String config = url + "/org/tiny/resolve/main/config.json";

            assertThat(curl(caFile, ALPHA, config).stdout()).isEqualTo(CONFIG);
            assertThat(status(caFile, null, config)).as("no token").isEqualTo("401");
            assertThat(status(caFile, "hf_guessed0000", config)).as("a wrong token").isEqualTo("401");
            assertThat(curl(null, ALPHA, config).code()).as("curl without the CA: certificate refused").isEqualTo(60);
            assertThat(curl(caFile, null, url.replace("https:", "http:") + "/").code()).as("plain http").isNotZero();

            Path snapshot = npm.snapshotDownload(work, url, "org/tiny", work.resolve("npm-cache"), ALPHA, caFile);
            assertSnapshot(snapshot);
            ChildJvm.Exit npmNoToken = npm.run(work, url, "org/tiny", work.resolve("npm-cache-no-token"), null, caFile);
            assertThat(npmNoToken.code()).as("the npm client without a token").isNotZero();
            assertThat(npmNoToken.stdout()).as(npmNoToken.describe()).contains("a bearer token of this server is needed");

            Path ours = work.resolve("our-store");
            ChildJvm.Exit untrusted = ChildJvm.cli(work, "pull", "hf://org/tiny", "--store",
                    work.resolve("untrusted-store").toString(), "--endpoint", url).env("HF_TOKEN", ALPHA)
                    .run(Duration.ofMinutes(1));
            assertThat(untrusted.code()).as("our jar without the CA: " + untrusted.describe()).isEqualTo(1);
            ChildJvm.Exit through = ChildJvm.cli(work, "pull", "hf://org/tiny", "--store", ours.toString(),
                    "--endpoint", url, "--ca-file", caFile.toString()).env("HF_TOKEN", ALPHA)
                    .run(Duration.ofMinutes(1));
            assertThat(through.code()).as(through.describe()).isZero();
            assertSnapshot(RepoFolder.model(ours, "org/tiny").snapshot(commit));
            ChildJvm.Exit noToken = ChildJvm.cli(work, "pull", "hf://org/tiny", "--store",
                    work.resolve("no-token-store").toString(), "--endpoint", url).env("SSL_CERT_FILE",
                    caFile.toString()).run(Duration.ofMinutes(1));
            assertThat(noToken.code()).as(noToken.describe()).isEqualTo(1);

            // revoke ALPHA and add BETA by replacing the file, as a deployment tool would
            Path edited = Files.writeString(work.resolve("tokens.new"), BETA + "\n");
            Files.move(edited, tokens, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Poll.until(Duration.ofSeconds(10), "the revoked token is refused",
                    () -> "401".equals(status(caFile, ALPHA, config)), () -> serve.stderr());
            assertThat(curl(caFile, BETA, config).stdout()).isEqualTo(CONFIG);
            ChildJvm.Exit npmRevoked = npm.run(work, url, "org/tiny", work.resolve("npm-cache-revoked"), ALPHA, caFile);
            assertThat(npmRevoked.code()).as("the npm client with the revoked token").isNotZero();
            assertThat(npmRevoked.stdout()).as(npmRevoked.describe()).contains("a bearer token of this server is needed");
            // and revoke by editing in place
            Files.writeString(tokens, "# nobody\n");
            Poll.until(Duration.ofSeconds(10), "an emptied file refuses everyone",
                    () -> "401".equals(status(caFile, BETA, config)), () -> serve.stderr());

            assertThat(serve.stderr()).as("serve's log").contains("serve: GET /org/tiny/resolve/main/config.json 401")
                    .contains("serve: GET /org/tiny/resolve/main/config.json 200").doesNotContain(ALPHA)
                    .doesNotContain(BETA).doesNotContain("hf_guessed0000");
        }
    }

    @Test
    void keepAliveCarriesTheRequestsOfCurlTheNpmClientAndOurJarOverFewConnections() throws Exception {
        try (ChildJvm serve = ChildJvm.cli(work, "serve", "--port", "0", "--store", store.toString()).start()) {
            String url = ServeProcess.awaitUrl(serve, store);
            int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
            try (ConnectionCounter counter = new ConnectionCounter(port)) {
                String base = counter.url();
                ChildJvm.Exit curl = ChildJvm.program(work, "curl", "-sS", "-f", "-o", "/dev/null", "-o",
                        "/dev/null", "-o", "/dev/null", base + "/org/tiny/resolve/main/config.json",
                        base + "/org/tiny/resolve/main/tokenizer/vocab.txt",
                        base + "/org/tiny/resolve/main/weights/model.bin").run(Duration.ofMinutes(1));
                assertThat(curl.code()).as(curl.describe()).isZero();
                assertThat(counter.connections()).as("curl's three requests").isEqualTo(1);

                assertSnapshot(npm.snapshotDownload(work, base, "org/tiny", work.resolve("npm-cache")));
                int afterNpm = counter.connections();
                Path ours = work.resolve("our-store");
                ChildJvm.Exit through = ChildJvm.run(Duration.ofMinutes(1), work, "pull", "hf://org/tiny",
                        "--store", ours.toString(), "--endpoint", base);
                assertThat(through.code()).as(through.describe()).isZero();
                assertSnapshot(RepoFolder.model(ours, "org/tiny").snapshot(commit));

                Poll.until(Duration.ofSeconds(10), "serve logged every request",
                        () -> serve.stderr().contains("serve: GET /org/tiny/resolve/" + commit), serve::stderr);
                long npmRequests = requestLines(serve.stderr()) - 3;
                assertThat(npmRequests).as("requests of npm and our jar\n%s", serve.stderr()).isGreaterThan(6);
                assertThat(counter.connections()).as("connections of curl, npm and our jar for %d requests\n%s",
                        npmRequests + 3, serve.stderr()).isLessThan((int) (npmRequests + 3) / 2);
                assertThat(afterNpm).as("connections up to the end of the npm client").isLessThan(5);
            }
        }
    }

    private static long requestLines(String log) {
        return log.lines().filter(l -> l.matches("model-redirect: serve: (GET|HEAD|POST) /.* \\d{3} \\d+ B \\d+ ms"))
                .count();
    }

    private ChildJvm.Exit curl(Path caFile, String token, String url) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "-f",
                "--max-time", "20"));
        if (caFile != null) {
            command.addAll(java.util.List.of("--cacert", caFile.toString()));
        }
        if (token != null) {
            command.addAll(java.util.List.of("-H", "Authorization: Bearer " + token));
        }
        command.add(url);
        return ChildJvm.program(work, command.toArray(new String[0])).run(Duration.ofSeconds(30));
    }

    private String status(Path caFile, String token, String url) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "-o",
                "/dev/null", "-w", "%{http_code}", "--max-time", "20", "--cacert", caFile.toString()));
        if (token != null) {
            command.addAll(java.util.List.of("-H", "Authorization: Bearer " + token));
        }
        command.add(url);
        return ChildJvm.program(work, command.toArray(new String[0])).run(Duration.ofSeconds(30)).stdout().strip();
    }

    private void assertSnapshot(Path snapshot) throws IOException {
        assertThat(Files.readString(snapshot.resolve("config.json"))).isEqualTo(CONFIG);
        assertThat(Files.readString(snapshot.resolve("tokenizer/vocab.txt"))).isEqualTo(VOCAB);
        assertThat(RepoFolder.sha256(snapshot.resolve("weights/model.bin"))).isEqualTo(weights.sha256());
    }
}
