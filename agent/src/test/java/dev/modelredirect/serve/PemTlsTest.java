package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PemTls}: the PEM forms servers are given, and a clear line for each mistake. */
class PemTlsTest {
    @TempDir
    Path temp;

    final HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("test CA").build();

    HeldCertificate server(boolean rsa) {
        HeldCertificate.Builder builder = new HeldCertificate.Builder().signedBy(ca).commonName("127.0.0.1")
                .addSubjectAlternativeName("127.0.0.1").addSubjectAlternativeName("localhost");
        return (rsa ? builder.rsa2048() : builder.ecdsa256()).build();
    }

    Path write(String name, String text) throws IOException {
        return Files.writeString(temp.resolve(name), text);
    }

    @Test
    void anEcKeyInPkcs8AndAnRsaKeyInPkcs1OrPkcs8MakeAContextWithTheChain() throws Exception {
        HeldCertificate ec = server(false);
        HeldCertificate rsa = server(true);
        Path chain = write("ec.pem", ec.certificatePem() + ca.certificatePem());
        assertThat(PemTls.certificates(chain)).hasSize(2);
        assertThat(PemTls.context(chain, write("ec.key", ec.privateKeyPkcs8Pem()))).isInstanceOf(SSLContext.class);
        Path rsaCert = write("rsa.pem", rsa.certificatePem());
        assertThat(PemTls.context(rsaCert, write("rsa1.key", rsa.privateKeyPkcs1Pem()))).isNotNull();
        assertThat(PemTls.context(rsaCert, write("rsa8.key", rsa.privateKeyPkcs8Pem()))).isNotNull();
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() throws Exception {
        Path cert = write("a.pem", server(false).certificatePem());
        Path key = write("b.key", server(false).privateKeyPkcs8Pem());
        assertThatThrownBy(() -> PemTls.context(cert, key)).isInstanceOf(IOException.class)
                .hasMessageContaining("does not belong").hasMessageContaining(cert.toString())
                .hasMessageContaining(key.toString());
    }

    @Test
    void swappedMissingEncryptedOrDamagedFilesAreRefusedWithWhatToDo() throws Exception {
        HeldCertificate held = server(false);
        Path cert = write("c.pem", held.certificatePem());
        Path key = write("c.key", held.privateKeyPkcs8Pem());
        assertThatThrownBy(() -> PemTls.context(key, cert)).hasMessageContaining("holds no PEM certificate");
        assertThatThrownBy(() -> PemTls.context(cert, temp.resolve("absent.key")))
                .hasMessageContaining("does not exist");
        Path encrypted = write("e.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemTls.context(cert, encrypted)).hasMessageContaining("encrypted");
        Path sec1 = write("s.key", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemTls.context(cert, sec1)).hasMessageContaining("openssl pkcs8 -topk8");
        Path damaged = write("d.key", "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemTls.context(cert, damaged)).hasMessageContaining("damaged");
        Path binary = Files.write(temp.resolve("der.pem"), held.certificate().getEncoded());
        assertThatThrownBy(() -> PemTls.context(binary, key)).hasMessageContaining("holds no PEM certificate");
    }
}
