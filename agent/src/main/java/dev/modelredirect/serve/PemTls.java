package dev.modelredirect.serve;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A TLS server context from two PEM files, as web servers take them: a certificate chain (the server's certificate
 * first, then any intermediates) and its unencrypted private key, PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC or
 * Ed25519) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). Checks that the key belongs to the certificate. Every failure
 * is an {@link IOException} with one line naming the file and what to do.
 */
public final class PemTls {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private PemTls() {
    }

    /** The context serving {@code certFile}'s chain with {@code keyFile}'s key. */
    public static SSLContext context(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        if (!belongsTo(key, chain.get(0))) {
            throw new IOException("the private key in " + keyFile + " does not belong to the first certificate in "
                    + certFile + "; give the key the certificate was issued for");
        }
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("serve", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException ex) {
            throw new IOException("cannot use the certificate " + certFile + " with the key " + keyFile + ": "
                    + ex.getMessage(), ex);
        }
    }

    static List<X509Certificate> certificates(Path certFile) throws IOException {
        String text = read(certFile, "--tls-cert");
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher block = BLOCK.matcher(text);
            while (block.find()) {
                if (block.group(1).equals("CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(decode(block.group(2), certFile))));
                }
            }
        } catch (GeneralSecurityException ex) {
            throw new IOException("the certificate file " + certFile + " holds a certificate that cannot be read: "
                    + ex.getMessage(), ex);
        }
        if (chain.isEmpty()) {
            throw new IOException("the certificate file " + certFile + " holds no PEM certificate (-----BEGIN "
                    + "CERTIFICATE-----); give --tls-cert the server's certificate chain in PEM");
        }
        return chain;
    }

    static PrivateKey privateKey(Path keyFile) throws IOException {
        String text = read(keyFile, "--tls-key");
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(decode(block.group(2), keyFile), keyFile);
                case "RSA PRIVATE KEY":
                    return pkcs8(rsaPkcs1ToPkcs8(decode(block.group(2), keyFile)), keyFile);
                case "ENCRYPTED PRIVATE KEY":
                    throw new IOException("the key file " + keyFile + " is encrypted; give an unencrypted copy "
                            + "(openssl pkcs8 -in KEY -out KEY.plain.pem), readable only by the server's user");
                case "EC PRIVATE KEY":
                    throw new IOException("the key file " + keyFile + " holds a SEC1 EC key; convert it to PKCS#8 "
                            + "with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem");
                default:
                    break;
            }
        }
        throw new IOException("the key file " + keyFile + " holds no PEM private key (-----BEGIN PRIVATE KEY-----);"
                + " give --tls-key the certificate's private key in PEM");
    }

    private static PrivateKey pkcs8(byte[] der, Path keyFile) throws IOException {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // the next algorithm
            }
        }
        throw new IOException("the key file " + keyFile + " holds a private key that is not RSA, EC or Ed25519, "
                + "or is damaged");
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
    private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x01, 0x01, 0x05, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(algorithm);
        body.write(0x04);
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(0x30);
        all.writeBytes(length(body.size()));
        all.writeBytes(body.toByteArray());
        return all.toByteArray();
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static boolean belongsTo(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException ex) {
            return false;
        }
    }

    private static String read(Path file, String option) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException ex) {
            throw new IOException(option + " " + file + " does not exist; give the PEM file's path");
        } catch (IOException ex) {
            throw new IOException(option + " " + file + " cannot be read: " + ex.getMessage(), ex);
        }
    }

    private static byte[] decode(String base64, Path file) throws IOException {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException ex) {
            throw new IOException("the PEM file " + file + " holds damaged base64: " + ex.getMessage());
        }
    }
}
