package dev.modelredirect.store;

import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.files.UnsafePathException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;


/**
 * Where URL sources live in {@code <store>/url}, laid out so a person can browse them by host and path.
 *
 * <pre>
 * url/HOST[_PORT]/PATH/NAME                 the file (a trailing '/' in the URL becomes the name 'index')
 * url/HOST[_PORT]/PATH/q-HASH/NAME          the same for a URL with a query (HASH: 16 hex of its sha256)
 * url/HOST[_PORT]/PATH/NAME.meta.json       its integrity record: URL, final URL, ETag, Last-Modified, size, sha256
 * .locks/url/HASH.lock                      named lock of one URL file's download (HASH: of its path under url/)
 * </pre>
 *
 * <p>Path segments are kept percent-encoded, so no character of a URL can form a special name; each is checked with
 * {@link SafePaths}.
 */
public final class UrlLayout {
    /** Ending of the integrity record beside each file. */
    public static final String META_SUFFIX = ".meta.json";

    private final Path root;

    public UrlLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The local file of a URL. */
    public Path file(WebUrl url) throws UnsafePathException {
        StringBuilder relative = new StringBuilder(hostFolder(url));
        List<String> segments = url.encodedSegments();
        for (int i = 0; i < segments.size() - 1; i++) {
            relative.append('/').append(segments.get(i));
        }
        if (url.encodedQuery() != null && !url.encodedQuery().isEmpty()) {
            relative.append("/q-").append(hash(url.encodedQuery()));
        }
        String last = segments.isEmpty() ? "" : segments.get(segments.size() - 1);
        relative.append('/').append(last.isEmpty() ? "index" : last);
        return SafePaths.resolve(root, relative.toString(), "URL path");
    }

    /** The integrity record beside a file. */
    public static Path meta(Path file) {
        return file.resolveSibling(file.getFileName() + META_SUFFIX);
    }

    /** The named lock of a URL's download: that of its file, so URLs sharing a file share the lock. */
    public Path lock(WebUrl url) throws UnsafePathException {
        return lockOfFile(file(url));
    }

    /**
     * The named lock of the download into {@code file} (a file under {@link #root()}), found from the file alone so
     * gc and verify can test it for a partial file.
     */
    public Path lockOfFile(Path file) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        return root.resolveSibling(".locks").resolve("url").resolve(hash(relative) + ".lock");
    }

    private static String hostFolder(WebUrl url) {
        String host = url.host().replace(':', '-').replace("[", "").replace("]", "");
        return url.hasDefaultPort() ? host : host + "_" + url.port();
    }

    /** 16 hex digits of the sha256 of {@code text}: a short, safe file name. */
    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
