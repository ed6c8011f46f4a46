package dev.modelredirect.store;

import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each source was last resolved: the modification time of one empty stamp file per source, in
 * {@code <store>/.model-redirect/last-use/}, named by the source as spelled (percent-encoded).
 *
 * <p>Recording is cheap: at most once per source per instance (one {@code utimensat} call; the stamp file and its
 * folder are made the first time). A failure to record is never an error. The caller records only on a writable store:
 * a read-only store gets no write of any kind.
 */
public final class LastUse {
    /** The stamp folder, relative to the store root. */
    public static final String FOLDER = ".model-redirect/last-use";

    private static final int MAX_NAME = 200;

    private final Path dir;
    private final Set<String> recorded = ConcurrentHashMap.newKeySet();

    /** The last-use records of the store at {@code storeRoot}. */
    public LastUse(Path storeRoot) {
        this.dir = storeRoot.resolve(FOLDER);
    }

    /** Stamps {@code source} as used now, the first time this instance sees it. */
    public void record(String source) {
        if (!recorded.add(source)) {
            return;
        }
        Path stamp = dir.resolve(fileName(source));
        // java.io.File: one utimensat call and no class that a JVM has not loaded already
        if (stamp.toFile().setLastModified(System.currentTimeMillis())) {
            return;
        }
        try {
            GroupAccess.createDirectories(dir);
            Files.createFile(stamp);
            GroupAccess.share(stamp);
        } catch (FileAlreadyExistsException raced) {
            // another process made it a moment ago: its time is now too
        } catch (IOException ex) {
            Log.debug("cannot record the last use of %s in %s (%s)", source, stamp, ex.getMessage());
        }
    }

    /** When {@code source} was last resolved in this store, if ever recorded. */
    public Optional<Instant> of(String source) {
        try {
            return Optional.of(Files.getLastModifiedTime(dir.resolve(fileName(source))).toInstant());
        } catch (IOException ex) {
            return Optional.empty();
        }
    }

    /** Deletes the stamp of a removed source. */
    public void forget(String source) throws IOException {
        Files.deleteIfExists(dir.resolve(fileName(source)));
        recorded.remove(source);
    }

    /**
     * The stamp file name of a source: letters, digits, {@code - _ .} kept, every other byte as {@code %XX}; a long
     * name is cut and ends with a hash of the whole, so that no name exceeds a file system's limit.
     */
    static String fileName(String source) {
        StringBuilder name = new StringBuilder(source.length() + 16);
        for (byte b : source.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_' || (c == '.' && name.length() > 0);
            if (plain) {
                name.append(c);
            } else {
                name.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        if (name.length() > MAX_NAME) {
            String hash = Integer.toHexString(source.hashCode()) + Integer.toHexString(source.length());
            name.setLength(MAX_NAME - hash.length() - 1);
            name.append('~').append(hash);
        }
        return name.toString();
    }
}
