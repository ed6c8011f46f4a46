package dev.modelredirect.serve;

import dev.modelredirect.files.SafePaths;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading a request's path and query, strictly: each path segment is percent-decoded on its own (UTF-8, no
 * {@code +}); a decoded segment of a file path holding {@code /} or {@code \} is refused (only the revision may hold
 * {@code /}, as in {@code refs%2Fpr%2F1}), and a joined file path must pass {@link SafePaths}. Stateless.
 */
final class RequestPaths {
    private RequestPaths() {
    }

    /** The raw path split at {@code /} and each segment percent-decoded; a trailing slash is dropped. */
    static List<String> segments(String rawPath) throws ServeError {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw ServeError.badRequest("the request path must be absolute");
        }
        List<String> segments = new ArrayList<>();
        if (rawPath.length() == 1) {
            return segments;
        }
        String[] raw = rawPath.substring(1).split("/", -1);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].isEmpty() && i == raw.length - 1 && i > 0) {
                continue; // a trailing slash
            }
            segments.add(decode(raw[i]));
        }
        return segments;
    }

    /** A file path from decoded segments: none may hold a separator, and the whole must be a safe relative path. */
    static String filePath(List<String> segments) throws ServeError {
        for (String segment : segments) {
            if (segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0) {
                throw ServeError.badRequest("refused file path: an encoded '/' or '\\' in a segment");
            }
        }
        String path = String.join("/", segments);
        String problem = SafePaths.problem(path);
        if (problem != null) {
            throw ServeError.badRequest("refused file path: " + problem);
        }
        return path;
    }

    /** The repository named by two segments; 400 when they are not a valid name. */
    static RepoId repo(RepoType type, String org, String name) throws ServeError {
        try {
            return new RepoId(type, org, name);
        } catch (IllegalArgumentException ex) {
            throw ServeError.badRequest(ex.getMessage());
        }
    }

    /**
     * Whether the segments are a repository API path, {@code api/(models|datasets)/ORG/NAME[/...]}, whose type
     * {@link #apiType} then names.
     */
    static boolean isRepoApi(List<String> segments) {
        return segments.size() >= 4 && segments.get(0).equals("api")
                && (segments.get(1).equals("models") || segments.get(1).equals("datasets"));
    }

    static RepoType apiType(List<String> segments) {
        return segments.get(1).equals("models") ? RepoType.MODEL : RepoType.DATASET;
    }

    static String decode(String raw) throws ServeError {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw ServeError.badRequest("bad percent-encoding in the request path");
                }
                bytes[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else {
                throw ServeError.badRequest("a raw non-ASCII character in the request path");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException ex) {
            throw ServeError.badRequest("the request path is not UTF-8");
        }
    }

    /** A query string or form body as parameters; a malformed parameter is ignored, as servers do. */
    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException ignored) {
                // skipped
            }
        }
        return query;
    }

    /** Whether a parameter is given as {@code true}, {@code 1} or without a value. */
    static boolean flag(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values != null && !values.isEmpty() && (values.get(0).equalsIgnoreCase("true")
                || values.get(0).equals("1") || values.get(0).isEmpty());
    }
}
