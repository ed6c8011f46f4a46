package dev.modelredirect.hub;

import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.fetch.FetchException;
import dev.modelredirect.fetch.Http;
import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import dev.modelredirect.json.JsonValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The Hugging Face Hub's HTTP protocol, as its own clients speak it.
 *
 * <ul>
 *   <li>{@link #head}: {@code HEAD {endpoint}/{repo}/resolve/{rev}/{path}}, following only relative redirects (renamed
 *       repositories); the commit, etag, size and download location come from {@code X-Repo-Commit},
 *       {@code X-Linked-Etag}/{@code ETag}, {@code X-Linked-Size}/{@code Content-Length} and {@code Location}.</li>
 *   <li>{@link #commitOf}: {@code GET /api/{type}/{repo}/revision/{rev}}, field {@code sha}.</li>
 *   <li>{@link #tree}: {@code GET /api/{type}/{repo}/tree/{commit}?recursive=true&expand=false}, pages followed through
 *       {@code Link: <...>; rel="next"} on the endpoint's own origin only.</li>
 * </ul>
 *
 * <p>Refusals become {@link HubException}s: {@code X-Error-Code} {@code RepoNotFound}, {@code RevisionNotFound},
 * {@code EntryNotFound}, {@code GatedRepo}, and plain 401/403, each with what to do next. Every file name a server
 * sends is checked with {@code pathCheck} before it is returned.
 */
public final class HubClient {
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final Http http;
    private final HttpUrl endpoint;
    private final boolean hasToken;
    private final Predicate<String> pathCheck;

    /**
     * @param pathCheck accepts a repository file path that is safe to write under a folder; rejected paths make the
     *                  listing fail
     */
    public HubClient(Http http, String endpoint, boolean hasToken, Predicate<String> pathCheck) {
        this.http = http;
        this.endpoint = HttpUrl.parse(endpoint);
        if (this.endpoint == null) {
            throw new IllegalArgumentException("endpoint is not an http(s) URL: " + endpoint);
        }
        this.hasToken = hasToken;
        this.pathCheck = pathCheck;
    }

    /** The endpoint's base URL, for messages. */
    public String endpoint() {
        return Http.describe(endpoint);
    }

    /** {@code {endpoint}/{prefix}{org}/{name}/resolve/{rev}/{path}} with each part percent-encoded. */
    public HttpUrl resolveUrl(RepoId repo, String revision, String path) {
        HttpUrl.Builder url = endpoint.newBuilder();
        if (!repo.type().urlPrefix().isEmpty()) {
            url.addPathSegment(repo.type().plural());
        }
        url.addPathSegment(repo.org()).addPathSegment(repo.name()).addPathSegment("resolve")
                .addPathSegment(revision);
        for (String segment : path.split("/")) {
            url.addPathSegment(segment);
        }
        return url.build();
    }

    private HttpUrl apiUrl(RepoId repo, String action, String revision) {
        return endpoint.newBuilder().addPathSegment("api").addPathSegment(repo.type().plural())
                .addPathSegment(repo.org()).addPathSegment(repo.name()).addPathSegment(action)
                .addPathSegment(revision).build();
    }

    /** HEADs a file's resolve URL and reads its metadata. */
    public HubFile head(RepoId repo, String revision, String path) throws IOException {
        HttpUrl url = resolveUrl(repo, revision, path);
        Request request = http.request(url).head().build();
        try (Response response = http.execute(request, Http.Redirects.RELATIVE_ONLY)) {
            if (!response.isSuccessful() && !response.isRedirect()) {
                throw refusal(response, repo, revision, path);
            }
            String commit = response.header("X-Repo-Commit");
            if (commit == null) {
                throw new HubException(HubException.Kind.NOT_A_HUB, null, "the server at " + endpoint()
                        + " answered " + Http.describe(url) + " without an X-Repo-Commit header, so it does not speak "
                        + "the Hugging Face Hub protocol; set the endpoint key to a Hub or a Hub mirror");
            }
            checkCommit(commit, url);
            String etag = normalizeEtag(response.header("X-Linked-Etag"));
            if (etag == null) {
                etag = normalizeEtag(response.header("ETag"));
            }
            checkEtag(etag, url);
            long size = parseSize(response.header("X-Linked-Size"));
            if (size < 0 && !response.isRedirect()) {
                size = parseSize(response.header("Content-Length"));
            }
            HttpUrl location = response.request().url();
            if (response.isRedirect()) {
                String header = response.header("Location");
                location = header == null ? null : response.request().url().resolve(header);
                if (location == null) {
                    throw new HubException(HubException.Kind.NOT_A_HUB, commit, "the server at " + endpoint()
                            + " redirected " + Http.describe(url) + " to an unusable location '" + header
                            + "'; check the endpoint key");
                }
            }
            return new HubFile(commit, etag, size, location);
        }
    }

    /** The commit a revision (branch, tag or commit) points to now. */
    public String commitOf(RepoId repo, String revision) throws IOException {
        HttpUrl url = apiUrl(repo, "revision", revision);
        try (Response response = http.execute(http.request(url).build(), Http.Redirects.RELATIVE_ONLY)) {
            if (!response.isSuccessful()) {
                throw refusal(response, repo, revision, null);
            }
            Map<String, Object> info = parseObject(response, url);
            Object sha = info.get("sha");
            if (!(sha instanceof String)) {
                throw new HubException(HubException.Kind.NOT_A_HUB, null, "the revision API at " + Http.describe(url)
                        + " answered without a 'sha' string field; check that the endpoint key names a Hub or a Hub mirror");
            }
            checkCommit((String) sha, url);
            return (String) sha;
        }
    }

    /** Every file of the repository at {@code commit}, across all pages. */
    public List<TreeEntry> tree(RepoId repo, String commit) throws IOException {
        List<TreeEntry> entries = new ArrayList<>();
        HttpUrl url = apiUrl(repo, "tree", commit).newBuilder().addQueryParameter("recursive", "true")
                .addQueryParameter("expand", "false").build();
        int pages = 0;
        while (url != null) {
            if (++pages > 10_000) {
                throw new FetchException("the tree API of " + repo + " at " + endpoint()
                        + " kept sending pages (over 10000); the server is misbehaving, try another endpoint");
            }
            try (Response response = http.execute(http.request(url).header("Accept", "application/json").build(),
                    Http.Redirects.RELATIVE_ONLY)) {
                if (!response.isSuccessful()) {
                    throw refusal(response, repo, commit, null);
                }
                for (Object element : parseArray(response, url)) {
                    Map<String, Object> item = JsonValues.asObject(element, "a tree entry");
                    if (!"file".equals(JsonValues.string(item, "type"))) {
                        continue;
                    }
                    entries.add(toEntry(item, repo, url));
                }
                url = nextPage(response.header("Link"), response.request().url());
            } catch (JsonException ex) {
                throw new HubException(HubException.Kind.NOT_A_HUB, null, "the tree API at " + Http.describe(url)
                        + " sent JSON that is not a file list (" + ex.getMessage()
                        + "); check that the endpoint key names a Hub or a Hub mirror");
            }
        }
        return entries;
    }

    private TreeEntry toEntry(Map<String, Object> item, RepoId repo, HttpUrl url) throws HubException {
        String path = JsonValues.requiredString(item, "path");
        if (!pathCheck.test(path)) {
            throw new HubException(HubException.Kind.OTHER, null, "the file list of " + repo + " from "
                    + Http.describe(url) + " names an unsafe path '" + path
                    + "' (absolute, '..', drive or UNC); nothing was downloaded. Report it to the repository owner "
                    + "or check the endpoint key");
        }
        String oid = JsonValues.string(item, "oid");
        Map<String, Object> lfs = JsonValues.object(item, "lfs");
        String lfsOid = lfs == null ? null : JsonValues.string(lfs, "oid");
        long size = JsonValues.longValue(item, "size", -1);
        if (lfs != null) {
            size = JsonValues.longValue(lfs, "size", size);
        }
        if (oid != null && !ExpectedDigest.isHex(oid, 40)) {
            oid = null;
        }
        if (lfsOid != null && !ExpectedDigest.isHex(lfsOid, 64)) {
            lfsOid = null;
        }
        return new TreeEntry(path, size, oid, lfsOid);
    }

    /** The next page from a {@code Link} header, only on the endpoint's own origin. */
    private HttpUrl nextPage(String link, HttpUrl current) {
        if (link == null) {
            return null;
        }
        Matcher matcher = NEXT_LINK.matcher(link);
        if (!matcher.find()) {
            return null;
        }
        HttpUrl next = current.resolve(matcher.group(1));
        if (next == null || !next.scheme().equals(current.scheme()) || !next.host().equals(current.host())
                || next.port() != current.port()) {
            return null;
        }
        return next;
    }

    private static Map<String, Object> parseObject(Response response, HttpUrl url) throws IOException {
        try {
            return Json.parseObject(response.body().string());
        } catch (JsonException ex) {
            throw new HubException(HubException.Kind.NOT_A_HUB, null, "the server sent unreadable JSON for "
                    + Http.describe(url) + " (" + ex.getMessage() + "); check the endpoint key");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> parseArray(Response response, HttpUrl url) throws IOException {
        Object value = Json.parse(response.body().string());
        if (!(value instanceof List)) {
            throw new JsonException("expected an array");
        }
        return (List<Object>) value;
    }

    /** Turns a refusal into the error that says what to do. */
    HubException refusal(Response response, RepoId repo, String revision, String path) {
        String code = response.header("X-Error-Code");
        String serverMessage = response.header("X-Error-Message");
        String commit = response.header("X-Repo-Commit");
        if (commit != null && !ExpectedDigest.isHex(commit, 40)) {
            commit = null;
        }
        String suffix = serverMessage == null ? "" : " (the server says: " + serverMessage + ")";
        String tokenHint = hasToken
                ? "check that the token (key token or HF_TOKEN) belongs to an account that may read it"
                : "if it is private or gated, give a token with the key token (-Dmodel.redirect.token=..., "
                        + "MODEL_REDIRECT_TOKEN) or the HF_TOKEN variable";
        if ("GatedRepo".equals(code)) {
            return new HubException(HubException.Kind.GATED, commit, "the repository " + repo + " is gated" + suffix
                    + ": accept its conditions on its Hub page with your account, then give your token with the key "
                    + "token (-Dmodel.redirect.token=..., MODEL_REDIRECT_TOKEN) or the HF_TOKEN variable");
        }
        if ("RepoNotFound".equals(code)) {
            return new HubException(HubException.Kind.REPO_NOT_FOUND, commit, "the repository " + repo
                    + " was not found at " + endpoint() + suffix + ": check its name; " + tokenHint);
        }
        if (code == null && response.code() == 404 && path == null) {
            return new HubException(HubException.Kind.REPO_NOT_FOUND, commit, "the repository " + repo
                    + " or its revision '" + revision + "' was not found at " + endpoint() + suffix
                    + ": check the name and revision; " + tokenHint);
        }
        if ("RevisionNotFound".equals(code)) {
            return new HubException(HubException.Kind.REVISION_NOT_FOUND, commit, "the revision '" + revision
                    + "' does not exist in " + repo + suffix + ": check the branch, tag or commit after '@'");
        }
        if ("EntryNotFound".equals(code) || (response.code() == 404 && path != null)) {
            return new HubException(HubException.Kind.ENTRY_NOT_FOUND, commit, "the file '" + path
                    + "' does not exist in " + repo + " at revision " + revision + suffix
                    + ": check the file name and revision");
        }
        if (response.code() == 401) {
            return new HubException(HubException.Kind.UNAUTHORIZED, commit, "the Hub at " + endpoint()
                    + " asks for authentication to read " + repo + suffix + "; " + tokenHint);
        }
        if (response.code() == 403) {
            return new HubException(HubException.Kind.FORBIDDEN, commit, "the Hub at " + endpoint()
                    + " refuses access to " + repo + suffix + "; " + tokenHint);
        }
        return new HubException(HubException.Kind.OTHER, commit, "the Hub at " + endpoint() + " answered HTTP "
                + response.code() + " for " + repo + (path == null ? "" : " file " + path) + " at revision "
                + revision + suffix + "; try again later, or check the endpoint key");
    }

    /** The etag without {@code W/} and quotes; null when absent. */
    public static String normalizeEtag(String raw) {
        if (raw == null) {
            return null;
        }
        String etag = raw.trim();
        if (etag.startsWith("W/")) {
            etag = etag.substring(2);
        }
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            etag = etag.substring(1, etag.length() - 1);
        }
        return etag.isEmpty() ? null : etag;
    }

    private void checkCommit(String commit, HttpUrl url) throws HubException {
        if (!ExpectedDigest.isHex(commit, 40)) {
            throw new HubException(HubException.Kind.NOT_A_HUB, null, "the server at " + endpoint() + " named commit '"
                    + commit + "' for " + Http.describe(url) + ", which is not a 40-digit hex id; check the endpoint"
                    + " key");
        }
    }

    /** An etag names a file in {@code blobs/}: only plain characters, so it cannot escape the folder. */
    private void checkEtag(String etag, HttpUrl url) throws HubException {
        boolean ok = etag != null && etag.length() <= 128 && !etag.startsWith(".");
        for (int i = 0; ok && i < etag.length(); i++) {
            char c = etag.charAt(i);
            ok = Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.';
        }
        if (!ok) {
            throw new HubException(HubException.Kind.NOT_A_HUB, null, "the server at " + endpoint() + " sent "
                    + (etag == null ? "no ETag" : "an unusable ETag '" + etag + "'") + " for " + Http.describe(url)
                    + "; a Hub sends the file's hash there. Check the endpoint key");
        }
    }

    private static long parseSize(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long size = Long.parseLong(value.trim());
            return size < 0 ? -1 : size;
        } catch (NumberFormatException ex) {
            return -1;
        }
    }
}
