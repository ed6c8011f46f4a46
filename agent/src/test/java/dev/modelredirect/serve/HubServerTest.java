package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import dev.modelredirect.testing.TestStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link HubServer} as the endpoint of our own downloader, over plain HTTP and over TLS. */
class HubServerTest extends ServedStore {
    @Test
    void ourOwnDownloaderPullsAWholeRepositoryAndSingleFilesThroughItAndThenHits() throws Exception {
        server.close();
        server = HubServer.start(HubServer.Options.loopback(store).withPageSize(2));
        Path client = temp.resolve("client");
        try (ModelStore downloader = TestStores.open(client, server.url())) {
            Resolution whole = downloader.resolve("hf://org/tiny");
            assertThat(whole.hit()).isFalse();
            assertThat(whole.path()).isEqualTo(client.resolve("hub/models--org--tiny/snapshots/" + commit));
            assertThat(Files.readAllBytes(whole.path().resolve("weights/model.bin"))).isEqualTo(weights.bytes());
            assertThat(Files.readString(whole.path().resolve("config.json"))).isEqualTo(CONFIG);
            assertThat(sha256(Files.readAllBytes(client.resolve("hub/models--org--tiny/blobs/" + weights.sha256()))))
                    .isEqualTo(weights.sha256());

            Resolution one = downloader.resolve("hf://datasets/org/data/data.csv");
            assertThat(Files.readString(one.path())).isEqualTo("x,y\n1,2\n");
            Resolution pr = downloader.resolve("hf://org/tiny@refs%2Fpr%2F1/config.json");
            assertThat(Files.readString(pr.path())).isEqualTo(CONFIG);
        }
        long requests = server.requests();
        try (ModelStore again = TestStores.open(client, server.url())) {
            assertThat(again.resolve("hf://org/tiny").hit()).isTrue();
            assertThat(again.resolve("hf://datasets/org/data/data.csv").hit()).isTrue();
        }
        assertThat(server.requests()).as("requests of the second pull").isEqualTo(requests);
    }

    @Test
    void overTlsAClientTrustingTheCaGetsTheBytesAndAnUntrustingOneIsRefused() throws Exception {
        okhttp3.tls.HeldCertificate ca = new okhttp3.tls.HeldCertificate.Builder().certificateAuthority(0)
                .commonName("team CA").build();
        okhttp3.tls.HeldCertificate cert = new okhttp3.tls.HeldCertificate.Builder().signedBy(ca)
                .commonName("127.0.0.1").addSubjectAlternativeName("127.0.0.1").build();
        Path certFile = Files.writeString(temp.resolve("server.pem"), cert.certificatePem() + ca.certificatePem());
        Path keyFile = Files.writeString(temp.resolve("server.key"), cert.privateKeyPkcs8Pem());
        server.close();
        server = HubServer.start(HubServer.Options.loopback(store).withTls(PemTls.context(certFile, keyFile)));
        assertThat(server.url()).startsWith("https://127.0.0.1:");

        okhttp3.tls.HandshakeCertificates trust = new okhttp3.tls.HandshakeCertificates.Builder()
                .addTrustedCertificate(ca.certificate()).build();
        HttpClient trusting = HttpClient.newBuilder().sslContext(trust.sslContext()).build();
        for (int i = 0; i < 3; i++) { // one connection, kept alive
            HttpResponse<byte[]> file = trusting.send(HttpRequest.newBuilder(URI.create(server.url()
                    + "/org/tiny/resolve/main/weights/model.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).isEqualTo(weights.bytes());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(
                URI.create(server.url() + "/")).build(), HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(
                URI.create(server.url().replace("https:", "http:") + "/")).build(),
                HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(java.io.IOException.class);

        Path client = temp.resolve("tls-client");
        try (ModelStore downloader = TestStores.open(client, server.url())) {
            // our downloader trusts the JDK's CAs only: the file never arrives, and the store is left as it was
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> downloader.resolve("hf://org/tiny/config.json"))
                    .isInstanceOf(java.io.IOException.class);
        }
        assertThat(client.resolve("hub/models--org--tiny/snapshots")).doesNotExist();
    }
}
