package dev.modelredirect.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a stored archive is unpacked (and a bare DJL parameter file given a folder of its own):
 * {@code <store>/unpacked/KEY/NAME}, KEY being the first 16 hex digits of the sha256 of the stored file's real path,
 * {@code |}, and its size. A folder whose KEY matches no stored file belongs to an archive that is gone.
 */
public final class UnpackedLayout {
    /** The folder under the store root. */
    public static final String FOLDER = "unpacked";

    private UnpackedLayout() {
    }

    /** The KEY of a stored file, given its real path (links resolved). */
    public static String key(Path realFile) throws IOException {
        byte[] text = (realFile + "|" + Files.size(realFile)).getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text), 0, 8);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
        }
    }
}
