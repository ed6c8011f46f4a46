package dev.modelredirect.carry;

import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.fetch.Hashing;

/** The check of a Hub blob's bytes against its name. */
final class Digests {
    private Digests() {
    }

    /**
     * Why bytes with {@code digests} cannot be the Hub blob {@code name}, or null when they are: a 64-hex name is
     * their sha256, a 40-hex name their git blob sha1; any other name cannot be checked.
     */
    static String blobProblem(String name, Hashing.Digests digests) {
        ExpectedDigest expected = ExpectedDigest.fromEtag(name);
        if (expected == null) {
            return "its name is neither a sha256 nor a git blob sha1, so its bytes cannot be verified";
        }
        String actual = digests.valueOf(expected.algorithm());
        if (!expected.hex().equals(actual)) {
            return "its bytes do not match its name (" + (expected.algorithm() == ExpectedDigest.Algorithm.SHA256
                    ? "sha256 " : "git blob sha1 ") + actual + "): it is corrupted";
        }
        return null;
    }
}
