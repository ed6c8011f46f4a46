package dev.modelredirect.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK's trusted certificate authorities plus those of a PEM bundle (key {@code ca-file}): the trust of every TLS
 * connection the product opens when a bundle is given. Certificates and host names are still verified as usual.
 *
 * @param trustManager the combined trust
 * @param sockets      a socket factory using it
 */
public record TrustBundle(X509TrustManager trustManager, SSLSocketFactory sockets) {

    /**
     * Reads {@code pem} (one or more {@code BEGIN CERTIFICATE} blocks) and adds it to the JDK's trust.
     *
     * @param origin where the file was named, for the message
     * @throws FetchException naming the file when it cannot be read or holds no certificate
     */
    public static TrustBundle load(Path pem, String origin) throws FetchException {
        Collection<? extends Certificate> extra;
        try (InputStream in = Files.newInputStream(pem)) {
            extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException ex) {
            throw new FetchException("cannot read the certificate bundle " + pem + " (" + origin + "): "
                    + ex.getMessage() + "; give a PEM file of CA certificates for key ca-file");
        }
        if (extra.isEmpty()) {
            throw new FetchException("the certificate bundle " + pem + " (" + origin + ") holds no PEM certificate; "
                    + "give a file with -----BEGIN CERTIFICATE----- blocks for key ca-file");
        }
        try {
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (TrustManager manager : jdk.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate issuer : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, issuer);
                    }
                }
            }
            for (Certificate certificate : extra) {
                store.setCertificateEntry("ca-file-" + n++, certificate);
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            X509TrustManager manager = null;
            for (TrustManager candidate : combined.getTrustManagers()) {
                if (candidate instanceof X509TrustManager x509) {
                    manager = x509;
                }
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {manager}, null);
            return new TrustBundle(manager, context.getSocketFactory());
        } catch (GeneralSecurityException | IOException ex) {
            throw new FetchException("cannot build the trust of " + pem + " (" + origin + "): " + ex.getMessage()
                    + "; check the file for key ca-file");
        }
    }
}
