package dev.modelredirect.store;

import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.SafePaths;

import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the source forms of the SPEC: {@code hf://[datasets/|spaces/]ORG/NAME[@REV][/PATH]}, Hub file URLs
 * ({@code https://huggingface.co/[datasets/]ORG/NAME/resolve/REV/PATH}, or {@code .../raw/REV/PATH}, on huggingface.co
 * or the configured endpoint), and any other http(s) URL. A {@code raw/} URL names the same Hub file as its
 * {@code resolve/} twin (the file's bytes, as the application wants them; never the Hub's pointer text of an LFS file).
 *
 * <p>A revision holding {@code /} (such as {@code refs/pr/1}) is written percent-encoded after {@code @}.
 */
public final class SourceParser {
    private static final String HUB_HOST = "huggingface.co";
    private static final String USAGE = "expected hf://ORG/NAME[@REV][/PATH], hf://datasets/ORG/NAME[@REV][/PATH], "
            + "a Hub URL https://huggingface.co/ORG/NAME/resolve/REV/PATH (or .../raw/REV/PATH), djl://GROUP/ARTIFACT[/VERSION], "
            + "or an http(s) URL";

    private final WebUrl endpoint;

    public SourceParser(String endpoint) {
        this.endpoint = WebUrl.parse(endpoint);
    }

    /**
     * Parses a source.
     *
     * @throws StoreException naming the text and the accepted forms
     */
    public Source parse(String text) throws StoreException {
        if (text == null || text.isBlank()) {
            throw new StoreException("empty source: " + USAGE);
        }
        String trimmed = text.trim();
        if (trimmed.regionMatches(true, 0, "hf://", 0, 5)) {
            return parseHf(text, trimmed.substring(5));
        }
        if (trimmed.regionMatches(true, 0, ZooLayout.SCHEME, 0, ZooLayout.SCHEME.length())) {
            return ZooLayout.parse(trimmed);
        }
        WebUrl url = WebUrl.parse(trimmed);
        if (url == null) {
            throw new StoreException("cannot read source '" + text + "': " + USAGE);
        }
        if (url.hasUserInfo()) {
            throw new StoreException("refused source '" + url.host() + "...': credentials in a URL would be stored "
                    + "in the lock file and logs; give a token with the key token instead");
        }
        Source.Hub hub = asHubUrl(text, url);
        return hub != null ? hub : new Source.Url(text, url);
    }

    private Source.Hub parseHf(String spelled, String rest) throws StoreException {
        RepoType type = RepoType.MODEL;
        if (rest.startsWith("datasets/")) {
            type = RepoType.DATASET;
            rest = rest.substring("datasets/".length());
        } else if (rest.startsWith("spaces/")) {
            type = RepoType.SPACE;
            rest = rest.substring("spaces/".length());
        } else if (rest.startsWith("models/")) {
            rest = rest.substring("models/".length());
        }
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new StoreException("cannot read source '" + spelled + "': the repository needs ORG/NAME; " + USAGE);
        }
        String org = rest.substring(0, slash);
        String afterOrg = rest.substring(slash + 1);
        int end = afterOrg.length();
        for (int i = 0; i < afterOrg.length(); i++) {
            if (afterOrg.charAt(i) == '@' || afterOrg.charAt(i) == '/') {
                end = i;
                break;
            }
        }
        String name = afterOrg.substring(0, end);
        String tail = afterOrg.substring(end);
        String revision = "main";
        String path = null;
        if (tail.startsWith("@")) {
            int pathStart = tail.indexOf('/');
            revision = decode(pathStart < 0 ? tail.substring(1) : tail.substring(1, pathStart));
            tail = pathStart < 0 ? "" : tail.substring(pathStart);
        }
        if (tail.startsWith("/")) {
            path = tail.substring(1);
            if (path.isEmpty()) {
                path = null;
            }
        }
        return hub(spelled, type, org, name, revision, path);
    }

    private Source.Hub hub(String spelled, RepoType type, String org, String name, String revision, String path)
            throws StoreException {
        RepoId repo;
        try {
            repo = new RepoId(type, org, name);
        } catch (IllegalArgumentException ex) {
            throw new StoreException("cannot read source '" + spelled + "': " + ex.getMessage());
        }
        String revisionProblem = revision.isEmpty() ? "it is empty" : SafePaths.problem(revision);
        if (revisionProblem != null) {
            throw new StoreException("refused revision '" + revision + "' in source '" + spelled + "': "
                    + revisionProblem);
        }
        if (path != null && SafePaths.problem(path) != null) {
            throw new StoreException("refused file path '" + path + "' in source '" + spelled + "': "
                    + SafePaths.problem(path) + "; only plain relative paths are accepted");
        }
        return new Source.Hub(spelled, repo, revision, path);
    }

    /** A resolve or raw URL on the Hub or the endpoint, or null when {@code url} is not one. */
    private Source.Hub asHubUrl(String spelled, WebUrl url) throws StoreException {
        boolean onHub = url.host().equalsIgnoreCase(HUB_HOST) || url.host().equalsIgnoreCase("www." + HUB_HOST);
        boolean onEndpoint = endpoint != null && url.host().equalsIgnoreCase(endpoint.host())
                && url.port() == endpoint.port();
        if (!onHub && !onEndpoint) {
            return null;
        }
        List<String> segments = url.pathSegments();
        int base = 0;
        if (onEndpoint && !onHub) {
            List<String> prefix = endpoint.pathSegments();
            int prefixLength = prefix.size() == 1 && prefix.get(0).isEmpty() ? 0 : prefix.size();
            if (segments.size() < prefixLength
                    || !segments.subList(0, prefixLength).equals(prefix.subList(0, prefixLength))) {
                return null;
            }
            base = prefixLength;
        }
        RepoType type = RepoType.MODEL;
        if (segments.size() > base && (segments.get(base).equals("datasets") || segments.get(base).equals("spaces"))) {
            type = segments.get(base).equals("datasets") ? RepoType.DATASET : RepoType.SPACE;
            base++;
        }
        if (segments.size() < base + 5 || !isFileRoute(segments.get(base + 2))) {
            return null;
        }
        String path = String.join("/", segments.subList(base + 4, segments.size()));
        return hub(spelled, type, segments.get(base), segments.get(base + 1), segments.get(base + 3),
                path.isEmpty() ? null : path);
    }

    /** Whether a URL's third repository segment names a file: {@code resolve} or {@code raw}. */
    public static boolean isFileRoute(String segment) {
        return segment.equals("resolve") || segment.equals("raw");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

}
