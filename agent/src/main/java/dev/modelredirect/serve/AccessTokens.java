package dev.modelredirect.serve;

import dev.modelredirect.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The bearer tokens a server accepts, from a file of one token a line (blank lines and lines starting with {@code #}
 * ignored; surrounding spaces trimmed), re-read when the file changes (its size, modification time or file key), so
 * that adding or revoking a token takes effect on the next request without a restart.
 *
 * <p>Fails closed: when the file disappears or cannot be read, no token is accepted until it can be again (one warning
 * line each time that starts). Tokens are held only as SHA-256 digests and compared in constant time; no token, and no
 * part of one, is ever logged or put in a message. Thread-safe.
 */
public final class AccessTokens {
    private record Loaded(Object stamp, List<byte[]> digests) {
    }

    private final Path file;
    private volatile Loaded loaded;

    private AccessTokens(Path file, Loaded loaded) {
        this.file = file;
        this.loaded = loaded;
    }

    /**
     * Reads the token file.
     *
     * @throws IOException when it cannot be read now (a server must not start on a token file it cannot read)
     */
    public static AccessTokens load(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        Object stamp = stamp(absolute);
        return new AccessTokens(absolute, new Loaded(stamp, digests(Files.readAllBytes(absolute))));
    }

    public Path file() {
        return file;
    }

    /** How many tokens the file holds now. */
    public int count() {
        return current().digests().size();
    }

    /** Whether an {@code Authorization} header value is {@code Bearer <a token of the file>}. */
    public boolean accepts(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] digest = sha256(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
        boolean match = false;
        for (byte[] each : current().digests()) {
            match |= MessageDigest.isEqual(each, digest);
        }
        return match;
    }

    private Loaded current() {
        Loaded now = loaded;
        Object stamp;
        try {
            stamp = stamp(file);
        } catch (IOException gone) {
            if (now.stamp() != null) {
                Log.warn("serve: the token file %s cannot be read (%s): every request is refused until it can",
                        file, gone.getClass().getSimpleName());
                loaded = now = new Loaded(null, List.of());
            }
            return now;
        }
        if (Objects.equals(stamp, now.stamp())) {
            return now;
        }
        synchronized (this) {
            if (!Objects.equals(stamp, loaded.stamp())) {
                try {
                    List<byte[]> digests = digests(Files.readAllBytes(file));
                    loaded = new Loaded(stamp, digests);
                    Log.info("serve: the token file %s changed: %d token%s", file, digests.size(),
                            digests.size() == 1 ? "" : "s");
                } catch (IOException unreadable) {
                    Log.warn("serve: the token file %s cannot be read (%s): every request is refused until it can",
                            file, unreadable.getClass().getSimpleName());
                    loaded = new Loaded(null, List.of());
                }
            }
            return loaded;
        }
    }

    private static Object stamp(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IOException("not a regular file");
        }
        return List.of(attributes.size(), attributes.lastModifiedTime(), String.valueOf(attributes.fileKey()));
    }

    private static List<byte[]> digests(byte[] content) {
        List<byte[]> digests = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\r?\n")) {
            String token = line.trim();
            if (!token.isEmpty() && !token.startsWith("#")) {
                digests.add(sha256(token.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return List.copyOf(digests);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public String toString() {
        return "AccessTokens[" + file + "]";
    }
}
