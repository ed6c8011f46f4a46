package dev.modelredirect.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An http(s) URL taken apart with {@link URI} alone: what source parsing and the URL layout need. Resolving a source
 * that is already in the store uses only this, so a hit loads no HTTP library.
 *
 * @param scheme          {@code http} or {@code https}
 * @param host            lower-case host
 * @param port            the port, the scheme's default when none is written
 * @param encodedSegments the path's segments as written (percent-encoded); {@code [""]} for an empty path
 * @param encodedQuery    the query as written, or null
 * @param hasUserInfo     whether the URL carries credentials before the host
 * @param text            the URL as given
 */
public record WebUrl(String scheme, String host, int port, List<String> encodedSegments, String encodedQuery,
        boolean hasUserInfo, String text) {

    /** The URL in {@code text}, or null when it is not an absolute http(s) URL with a host. */
    public static WebUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException ex) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.isOpaque()) {
            return null;
        }
        String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
        List<String> segments = new ArrayList<>();
        if (rawPath.isEmpty() || rawPath.equals("/")) {
            segments.add("");
        } else {
            for (String segment : rawPath.substring(1).split("/", -1)) {
                segments.add(segment);
            }
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme);
        return new WebUrl(scheme, uri.getHost().toLowerCase(Locale.ROOT), port, List.copyOf(segments),
                uri.getRawQuery(), uri.getRawUserInfo() != null, text);
    }

    /** 80 for http, 443 for https. */
    public static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    /** Whether the port is the scheme's default. */
    public boolean hasDefaultPort() {
        return port == defaultPort(scheme);
    }

    /** The path's segments, percent-decoded. */
    public List<String> pathSegments() {
        List<String> decoded = new ArrayList<>();
        for (String segment : encodedSegments) {
            decoded.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return decoded;
    }

    @Override
    public String toString() {
        return text;
    }
}
