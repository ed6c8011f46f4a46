package dev.modelredirect.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Streaming hashes of one file: always SHA-256; the git blob SHA-1 too when asked for and the size is known up front.
 *
 * <p>Not thread-safe: one instance is fed by one thread, in order.
 */
public final class Hashing {
    private final MessageDigest sha256;
    private final MessageDigest gitSha1;
    private long count;

    /**
     * @param size    the total size, needed for the git blob header; -1 when unknown (then no git hash)
     * @param withGit whether to compute the git blob SHA-1
     */
    public Hashing(long size, boolean withGit) {
        sha256 = digest("SHA-256");
        if (withGit && size >= 0) {
            gitSha1 = digest("SHA-1");
            gitSha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        } else {
            gitSha1 = null;
        }
    }

    /** A hashing that computes what {@code expected} needs. */
    public static Hashing forExpected(long size, List<ExpectedDigest> expected) {
        boolean git = expected.stream().anyMatch(d -> d.algorithm() == ExpectedDigest.Algorithm.GIT_SHA1);
        return new Hashing(size, git);
    }

    public void update(byte[] bytes, int offset, int length) {
        sha256.update(bytes, offset, length);
        if (gitSha1 != null) {
            gitSha1.update(bytes, offset, length);
        }
        count += length;
    }

    /** Feeds the remaining bytes of {@code bytes} (a direct buffer is fine); its position moves to its limit. */
    public void update(java.nio.ByteBuffer bytes) {
        int length = bytes.remaining();
        if (gitSha1 != null) {
            gitSha1.update(bytes.duplicate());
        }
        sha256.update(bytes);
        count += length;
    }

    public long count() {
        return count;
    }

    /** Completes the hashes; the instance is spent afterwards. */
    public Digests finish() {
        String git = gitSha1 == null ? null : HexFormat.of().formatHex(gitSha1.digest());
        return new Digests(count, HexFormat.of().formatHex(sha256.digest()), git);
    }

    /** The SHA-256 hex of a whole file. */
    public static String sha256Of(Path file) throws IOException {
        Hashing hashing = new Hashing(-1, false);
        feed(file, hashing);
        return hashing.finish().sha256();
    }

    /** Both hashes of a whole file (SHA-256 and git blob SHA-1) in one read. */
    public static Digests digestsOf(Path file) throws IOException {
        Hashing hashing = new Hashing(Files.size(file), true);
        feed(file, hashing);
        return hashing.finish();
    }

    /** The git blob SHA-1 hex of a whole file. */
    public static String gitSha1Of(Path file) throws IOException {
        Hashing hashing = new Hashing(Files.size(file), true);
        feed(file, hashing);
        return hashing.finish().gitSha1();
    }

    private static void feed(Path file, Hashing hashing) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                hashing.update(buffer, 0, n);
            }
        }
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(name + " is missing from this JVM", ex);
        }
    }

    /**
     * The finished hashes of some bytes.
     *
     * @param size    how many bytes were hashed
     * @param sha256  lower-case hex
     * @param gitSha1 lower-case hex, or null when not computed
     */
    public record Digests(long size, String sha256, String gitSha1) {
        /** The first expected digest these bytes fail, or null when all match (or could not be computed). */
        public ExpectedDigest firstMismatch(List<ExpectedDigest> expected) {
            for (ExpectedDigest digest : expected) {
                String actual = digest.algorithm() == ExpectedDigest.Algorithm.SHA256 ? sha256 : gitSha1;
                if (actual != null && !actual.equals(digest.hex())) {
                    return digest;
                }
            }
            return null;
        }

        /** The computed value for an algorithm. */
        public String valueOf(ExpectedDigest.Algorithm algorithm) {
            return algorithm == ExpectedDigest.Algorithm.SHA256 ? sha256 : gitSha1;
        }
    }
}
