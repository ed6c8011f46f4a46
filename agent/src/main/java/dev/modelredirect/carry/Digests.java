package dev.modelredirect.carry;

import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.fetch.Hashing;
import java.io.IOException;
import java.nio.file.Path;

/** The sha256 and git blob sha1 of a file in one read, and the check of a Hub blob against its name. */
final class Digests {
    private Digests() {
    }

    /** Both hashes of a file, in one read. */
    static Hashing.Digests of(Path file) throws IOException {
        return Hashing.digestsOf(file);
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
