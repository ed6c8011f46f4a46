package dev.modelredirect.fetch;

import java.util.Locale;

/**
 * A hash the downloaded bytes must have.
 *
 * @param algorithm which hash
 * @param hex       lower-case hex value
 */
public record ExpectedDigest(Algorithm algorithm, String hex) {
    /** The hashes the store checks. */
    public enum Algorithm {
        /** SHA-256 of the bytes: Hub LFS etags, lock-file pins. */
        SHA256,
        /** SHA-1 of {@code "blob <size>\0" + bytes}: git's object id, the Hub's etag for small files. */
        GIT_SHA1
    }

    public ExpectedDigest {
        hex = hex.toLowerCase(Locale.ROOT);
    }

    public static ExpectedDigest sha256(String hex) {
        return new ExpectedDigest(Algorithm.SHA256, hex);
    }

    public static ExpectedDigest gitSha1(String hex) {
        return new ExpectedDigest(Algorithm.GIT_SHA1, hex);
    }

    /** The digest an etag stands for: 64 hex digits are a sha256, 40 a git blob sha1; null for anything else. */
    public static ExpectedDigest fromEtag(String etag) {
        if (etag == null) {
            return null;
        }
        if (isHex(etag, 64)) {
            return sha256(etag);
        }
        if (isHex(etag, 40)) {
            return gitSha1(etag);
        }
        return null;
    }

    /** Whether {@code text} is exactly {@code length} hex digits. */
    public static boolean isHex(String text, int length) {
        if (text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
