package dev.modelredirect.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entry of the {@code mirrors} key, {@code FROM=>TO}: a URL source starting with {@code FROM} is fetched from
 * {@code TO} plus the rest of it. Only where the bytes come from changes: the source keeps its own URL as its name in
 * the store and the lock file.
 *
 * @param from the URL prefix as applications spell it
 * @param to   the prefix it is fetched from instead
 */
public record UrlMirror(String from, String to) {

    /** The URL to fetch {@code url} from under {@code mirrors} (the first matching entry), or {@code url}. */
    public static String fetchUrl(List<UrlMirror> mirrors, String url) {
        for (UrlMirror mirror : mirrors) {
            if (url.startsWith(mirror.from)) {
                return mirror.to + url.substring(mirror.from.length());
            }
        }
        return url;
    }

    /** The URL as the application named it for a URL fetched from a mirror: {@code TO...} back to {@code FROM...}. */
    public static String originalUrl(List<UrlMirror> mirrors, String fetched) {
        for (UrlMirror mirror : mirrors) {
            if (fetched.startsWith(mirror.to)) {
                return mirror.from + fetched.substring(mirror.to.length());
            }
        }
        return fetched;
    }

    /**
     * Parses {@code FROM=>TO;FROM2=>TO2}; each bad entry adds one line to {@code problems} and is ignored.
     *
     * @param origin where the value came from, for messages
     */
    public static List<UrlMirror> parse(String value, String origin, List<String> problems) {
        List<UrlMirror> mirrors = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return List.of();
        }
        for (String entry : value.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int arrow = entry.indexOf("=>");
            String from = arrow > 0 ? entry.substring(0, arrow).trim() : "";
            String to = arrow > 0 ? entry.substring(arrow + 2).trim() : "";
            if (!isBaseUrl(from) || !isBaseUrl(to)) {
                problems.add("bad entry '" + entry.trim() + "' for key mirrors (" + origin + "): expected FROM=>TO, "
                        + "both http:// or https:// URL prefixes without credentials, query or fragment (e.g. "
                        + "https://github.com/=>https://artifacts.example/github/); the entry is ignored");
                continue;
            }
            // a bare host is that host's root: https://github.com must not also match https://github.com.evil.example
            mirrors.add(new UrlMirror(withRootPath(from), withRootPath(to)));
        }
        return List.copyOf(mirrors);
    }

    private static String withRootPath(String base) {
        return URI.create(base).getRawPath().isEmpty() ? base + "/" : base;
    }

    private static boolean isBaseUrl(String text) {
        if (text.isEmpty()) {
            return false;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (URISyntaxException ex) {
            return false;
        }
    }
}
