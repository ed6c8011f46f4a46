package dev.modelredirect.serve;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.hub.GitObjects;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Hub's HTTP protocol over a {@link StoreView}, for {@link HubServer}.
 *
 * <pre>
 * HEAD|GET /[datasets/]ORG/NAME/resolve/REV/PATH                file bytes, Range, Hub headers (raw/ alike)
 * GET      /api/(models|datasets)/ORG/NAME[/revision/REV]         repository info: id, sha, siblings
 * GET      /api/(models|datasets)/ORG/NAME/tree/REV[/PATH]        file list, ?recursive=true, paged by Link
 * POST     /api/(models|datasets)/ORG/NAME/paths-info/REV         {"paths":[...],"expand":true} or a form
 * </pre>
 *
 * <p>Each path segment is percent-decoded on its own; a decoded segment holding {@code /} or {@code \} is refused
 * (only the revision may hold {@code /}, as in {@code refs%2Fpr%2F1}), and the joined file path must pass
 * {@link SafePaths}. Files are streamed from their real path with one fixed buffer per thread.
 */
final class HubHandler implements HttpHandler {
    /** Bytes per read and write while streaming a file; one buffer per server thread. */
    static final int BUFFER = 256 << 10;
    private static final int MAX_BODY = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocate(BUFFER));

    private final StoreView view;
    private final PullThrough pull;
    private final int pageSize;
    private final AtomicLong requests = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();

    /** The DJL repository layout of the store, or null when not served. */
    DjlRepositoryRoute zoo;

    HubHandler(StoreView view, PullThrough pull, int pageSize) {
        this.view = view;
        this.pull = pull;
        this.pageSize = pageSize;
    }

    long requests() {
        return requests.get();
    }

    /** Exchanges being answered now. */
    int active() {
        return active.get();
    }

    /** What one exchange did, for its log line. */
    private static final class Outcome {
        int status;
        long bytes;
    }

    @Override
    public void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        requests.incrementAndGet();
        active.incrementAndGet();
        Outcome outcome = new Outcome();
        try {
            try {
                route(exchange, outcome);
            } catch (ServeError error) {
                sendError(exchange, outcome, error);
            } catch (RuntimeException ex) {
                Log.warn("serve: %s %s failed: %s", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        ex);
                sendError(exchange, outcome, new ServeError(500, null, "internal error: " + ex, null));
            }
        } catch (IOException clientGone) {
            // the client closed the connection; the log line says how far it got
            if (outcome.status == 0) {
                outcome.status = 499;
            }
        } finally {
            exchange.close();
            active.decrementAndGet();
            Log.info("serve: %s %s %d %d B %d ms", exchange.getRequestMethod(),
                    printable(exchange.getRequestURI().getRawPath()), outcome.status, outcome.bytes,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    // ---------------------------------------------------------------- routing

    private void route(HttpExchange exchange, Outcome outcome) throws IOException, ServeError {
        if (zoo != null && DjlRepositoryRoute.matches(exchange.getRequestURI().getRawPath())) {
            DjlRepositoryRoute.Sent sent = zoo.answer(exchange);
            outcome.status = sent.status();
            outcome.bytes = sent.bytes();
            return;
        }
        String method = exchange.getRequestMethod();
        List<String> segments = segments(exchange.getRequestURI().getRawPath());
        if (!segments.isEmpty() && segments.get(0).equals("api")) {
            routeApi(exchange, outcome, method, segments);
            return;
        }
        int base = 0;
        RepoType type = RepoType.MODEL;
        if (!segments.isEmpty() && segments.get(0).equals("datasets")) {
            type = RepoType.DATASET;
            base = 1;
        }
        if (segments.size() < base + 5 || !dev.modelredirect.store.SourceParser.isFileRoute(segments.get(base + 2))) {
            throw ServeError.notFound("not found; this server answers the Hub's resolve (and raw), revision, tree and "
                    + "paths-info requests");
        }
        allow(exchange, "GET", "HEAD");
        RepoId repo = repo(type, segments.get(base), segments.get(base + 1));
        String revision = segments.get(base + 3);
        String path = filePath(segments.subList(base + 4, segments.size()));
        resolve(exchange, outcome, repo, revision, path);
    }

    private void routeApi(HttpExchange exchange, Outcome outcome, String method, List<String> segments)
            throws IOException, ServeError {
        if (segments.size() < 4 || !(segments.get(1).equals("models") || segments.get(1).equals("datasets"))) {
            throw ServeError.notFound("not found; the API answers /api/models/ORG/NAME/(revision|tree|paths-info)/REV"
                    + " and the same under /api/datasets/");
        }
        RepoType type = segments.get(1).equals("models") ? RepoType.MODEL : RepoType.DATASET;
        RepoId repo = repo(type, segments.get(2), segments.get(3));
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
        if (segments.size() == 4) {
            allow(exchange, "GET", "HEAD");
            info(exchange, outcome, repo, "main", query);
            return;
        }
        if (segments.size() < 6) {
            throw ServeError.notFound("not found: a revision is needed after /" + segments.get(4));
        }
        String revision = segments.get(5);
        switch (segments.get(4)) {
            case "revision":
                if (segments.size() != 6) {
                    throw ServeError.notFound("not found");
                }
                allow(exchange, "GET", "HEAD");
                info(exchange, outcome, repo, revision, query);
                return;
            case "tree": {
                allow(exchange, "GET", "HEAD");
                String path = segments.size() == 6 ? null : filePath(segments.subList(6, segments.size()));
                tree(exchange, outcome, repo, revision, path, query);
                return;
            }
            case "paths-info":
                if (segments.size() != 6) {
                    throw ServeError.notFound("not found");
                }
                allow(exchange, "POST");
                pathsInfo(exchange, outcome, repo, revision);
                return;
            default:
                throw ServeError.notFound("not found: unknown API '" + segments.get(4) + "'");
        }
    }

    private static void allow(HttpExchange exchange, String... allowed) throws ServeError {
        String method = exchange.getRequestMethod();
        for (String each : allowed) {
            if (each.equals(method)) {
                return;
            }
        }
        exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
        throw new ServeError(405, null, "method " + method + " is not allowed here; allowed: "
                + String.join(", ", allowed), null);
    }

    private static RepoId repo(RepoType type, String org, String name) throws ServeError {
        try {
            return new RepoId(type, org, name);
        } catch (IllegalArgumentException ex) {
            throw ServeError.badRequest(ex.getMessage());
        }
    }

    /** The raw path split at {@code /} and each segment percent-decoded strictly (UTF-8, no {@code +}). */
    static List<String> segments(String rawPath) throws ServeError {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw ServeError.badRequest("the request path must be absolute");
        }
        List<String> segments = new ArrayList<>();
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

    private static Map<String, List<String>> query(String raw) {
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
                // a malformed parameter is ignored, as servers do
            }
        }
        return query;
    }

    private static boolean flag(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values != null && !values.isEmpty() && (values.get(0).equalsIgnoreCase("true")
                || values.get(0).equals("1") || values.get(0).isEmpty());
    }

    // ---------------------------------------------------------------- lookups, with the pull-through on a miss

    private StoreView.Commit commit(RepoId repo, String revision) throws ServeError {
        try {
            return view.commit(repo, revision);
        } catch (ServeError miss) {
            if (pull == null || !miss.isMiss()) {
                throw miss;
            }
            pull.fetch(PullThrough.source(repo, revision, null));
            return view.commit(repo, revision);
        }
    }

    /** A snapshot-wide request: on a mirror, the whole snapshot is fetched first unless the store holds it all. */
    private StoreView.Commit snapshot(RepoId repo, String revision) throws ServeError {
        if (pull == null) {
            return view.commit(repo, revision);
        }
        try {
            StoreView.Commit commit = view.commit(repo, revision);
            if (view.complete(commit)) {
                return commit;
            }
        } catch (ServeError miss) {
            if (!miss.isMiss()) {
                throw miss;
            }
        }
        pull.fetch(PullThrough.source(repo, revision, null));
        return view.commit(repo, revision);
    }

    private StoreView.FileInfo file(RepoId repo, String revision, String path) throws ServeError {
        try {
            return view.file(view.commit(repo, revision), path);
        } catch (ServeError miss) {
            if (pull == null || !miss.isMiss()) {
                throw miss;
            }
            pull.fetch(PullThrough.source(repo, revision, path));
            return view.file(view.commit(repo, revision), path);
        }
    }

    // ---------------------------------------------------------------- resolve

    private void resolve(HttpExchange exchange, Outcome outcome, RepoId repo, String revision, String path)
            throws IOException, ServeError {
        StoreView.FileInfo file = file(repo, revision, path);
        String commit = view.commit(repo, revision).commit();
        try (FileChannel channel = FileChannel.open(file.realPath(), StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            Headers headers = exchange.getResponseHeaders();
            headers.set("X-Repo-Commit", commit);
            headers.set("ETag", "\"" + file.etag() + "\"");
            if (file.lfs()) {
                headers.set("X-Linked-Etag", "\"" + file.etag() + "\"");
                headers.set("X-Linked-Size", String.valueOf(size));
            }
            headers.set("Accept-Ranges", "bytes");
            headers.set("Content-Type", "application/octet-stream");
            String rangeHeader = exchange.getRequestHeaders().getFirst("Range");
            String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
            if (ifRange != null && !ifRange.trim().equals("\"" + file.etag() + "\"")) {
                rangeHeader = null;
            }
            ByteRange range = ByteRange.parse(rangeHeader, size);
            if (range == ByteRange.UNSATISFIABLE) {
                headers.set("Content-Range", "bytes */" + size);
                throw new ServeError(416, "RangeNotSatisfiable", "the range '" + rangeHeader
                        + "' starts beyond the file's " + size + " bytes", commit);
            }
            long from = range == null ? 0 : range.first();
            long length = range == null ? size : range.length();
            int status = range == null ? 200 : 206;
            if (range != null) {
                headers.set("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            }
            outcome.status = status;
            if (exchange.getRequestMethod().equals("HEAD")) {
                headers.set("Content-Length", String.valueOf(length));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
            stream(channel, from, length, exchange.getResponseBody(), outcome);
        }
    }

    /** Copies {@code length} bytes from {@code from} with this thread's buffer; never holds more in memory. */
    private static void stream(FileChannel channel, long from, long length, OutputStream out, Outcome outcome)
            throws IOException {
        ByteBuffer buffer = BUFFERS.get();
        byte[] array = buffer.array();
        long position = from;
        long remaining = length;
        while (remaining > 0) {
            buffer.clear().limit((int) Math.min(array.length, remaining));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("the file shrank while it was being sent");
            }
            out.write(array, 0, n);
            position += n;
            remaining -= n;
            outcome.bytes += n;
        }
        out.flush();
    }

    // ---------------------------------------------------------------- revision (repository info)

    private void info(HttpExchange exchange, Outcome outcome, RepoId repo, String revision,
            Map<String, List<String>> query) throws IOException, ServeError {
        StoreView.Commit commit = snapshot(repo, revision);
        boolean blobs = flag(query, "blobs");
        List<Object> siblings = new ArrayList<>();
        for (StoreView.FileInfo file : view.files(commit)) {
            Map<String, Object> sibling = new LinkedHashMap<>();
            sibling.put("rfilename", file.path());
            if (blobs) {
                sibling.put("size", file.size());
                sibling.put("blobId", file.gitOid());
                if (file.lfs()) {
                    Map<String, Object> lfs = new LinkedHashMap<>();
                    lfs.put("sha256", file.lfsSha256());
                    lfs.put("size", file.size());
                    lfs.put("pointerSize", file.pointerSize());
                    sibling.put("lfs", lfs);
                }
            }
            siblings.add(sibling);
        }
        String modified = iso(view.modified(commit));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("_id", commit.commit().substring(0, 24));
        info.put("id", repo.id());
        if (repo.type() == RepoType.MODEL) {
            info.put("modelId", repo.id());
        }
        info.put("author", repo.org());
        info.put("sha", commit.commit());
        info.put("lastModified", modified);
        info.put("createdAt", modified);
        info.put("private", false);
        info.put("gated", false);
        info.put("disabled", false);
        info.put("downloads", 0);
        info.put("likes", 0);
        info.put("tags", List.of());
        info.put("siblings", siblings);
        sendJson(exchange, outcome, 200, Json.write(info), commit.commit());
    }

    // ---------------------------------------------------------------- tree

    private void tree(HttpExchange exchange, Outcome outcome, RepoId repo, String revision, String path,
            Map<String, List<String>> query) throws IOException, ServeError {
        StoreView.Commit commit = snapshot(repo, revision);
        boolean recursive = flag(query, "recursive");
        boolean expand = flag(query, "expand");
        List<Map<String, Object>> all = entries(commit, view.files(commit), path, recursive, expand);
        if (all == null) {
            throw ServeError.entryNotFound(path, revision, commit.commit());
        }
        int from = 0;
        List<String> cursor = query.get("cursor");
        if (cursor != null && !cursor.isEmpty()) {
            try {
                from = Integer.parseInt(cursor.get(0));
            } catch (NumberFormatException ex) {
                from = -1;
            }
            if (from < 0 || from > all.size()) {
                throw ServeError.badRequest("bad cursor '" + cursor.get(0) + "'");
            }
        }
        int to = Math.min(all.size(), from + pageSize);
        if (to < all.size()) {
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (host == null || !host.matches("[A-Za-z0-9.\\-:\\[\\]]+")) {
                host = hostOf(exchange);
            }
            String next = "http://" + host + exchange.getRequestURI().getRawPath() + "?recursive=" + recursive
                    + "&expand=" + expand + "&cursor=" + to;
            exchange.getResponseHeaders().set("Link", "<" + next + ">; rel=\"next\"");
        }
        sendJson(exchange, outcome, 200, Json.write(all.subList(from, to)), commit.commit());
    }

    private static String hostOf(HttpExchange exchange) {
        java.net.InetSocketAddress local = exchange.getLocalAddress();
        String address = local.getAddress().getHostAddress();
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + local.getPort();
    }

    /**
     * The tree API's entries under {@code path} (null: the root): its children, or with {@code recursive} everything
     * below, folders first in path order; null when {@code path} is not a folder of the snapshot.
     */
    private List<Map<String, Object>> entries(StoreView.Commit commit, List<StoreView.FileInfo> files, String path,
            boolean recursive, boolean expand) {
        // every folder's git tree id, from the files the store has
        Map<String, List<GitObjects.TreeItem>> children = new TreeMap<>();
        children.put("", new ArrayList<>());
        for (StoreView.FileInfo file : files) {
            String parent = parentOf(file.path());
            children.computeIfAbsent(parent, k -> new ArrayList<>())
                    .add(new GitObjects.TreeItem(nameOf(file.path()), file.gitOid(), false));
            for (String folder = parent; !folder.isEmpty(); folder = parentOf(folder)) {
                children.computeIfAbsent(parentOf(folder), k -> new ArrayList<>());
                children.computeIfAbsent(folder, k -> new ArrayList<>());
            }
        }
        Map<String, String> treeIds = new LinkedHashMap<>();
        List<String> folders = new ArrayList<>(children.keySet());
        folders.sort((a, b) -> Integer.compare(depth(b), depth(a)));
        for (String folder : folders) {
            if (!folder.isEmpty()) {
                children.get(parentOf(folder)).add(new GitObjects.TreeItem(nameOf(folder), null, true));
            }
        }
        for (String folder : folders) {
            List<GitObjects.TreeItem> items = new ArrayList<>();
            for (GitObjects.TreeItem item : children.get(folder)) {
                String full = folder.isEmpty() ? item.name() : folder + "/" + item.name();
                items.add(item.directory() ? new GitObjects.TreeItem(item.name(), treeIds.get(full), true) : item);
            }
            treeIds.put(folder, GitObjects.treeId(items));
        }
        String base = path == null ? "" : path;
        if (!children.containsKey(base)) {
            return null;
        }
        String prefix = base.isEmpty() ? "" : base + "/";
        List<Map<String, Object>> entries = new ArrayList<>();
        String date = expand ? iso(view.modified(commit)) : null;
        for (String folder : children.keySet()) {
            if (!folder.isEmpty() && folder.startsWith(prefix) && (recursive || parentOf(folder).equals(base))) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("type", "directory");
                entry.put("oid", treeIds.get(folder));
                entry.put("size", 0);
                entry.put("path", folder);
                if (expand) {
                    entry.put("lastCommit", lastCommit(commit, date));
                }
                entries.add(entry);
            }
        }
        for (StoreView.FileInfo file : files) {
            if (file.path().startsWith(prefix) && (recursive || parentOf(file.path()).equals(base))) {
                entries.add(fileEntry(commit, file, expand ? date : null));
            }
        }
        entries.sort((a, b) -> ((String) a.get("path")).compareTo((String) b.get("path")));
        return entries;
    }

    private static Map<String, Object> fileEntry(StoreView.Commit commit, StoreView.FileInfo file, String date) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", "file");
        entry.put("oid", file.gitOid());
        entry.put("size", file.size());
        entry.put("path", file.path());
        if (file.lfs()) {
            Map<String, Object> lfs = new LinkedHashMap<>();
            lfs.put("oid", file.lfsSha256());
            lfs.put("size", file.size());
            lfs.put("pointerSize", file.pointerSize());
            entry.put("lfs", lfs);
        }
        if (date != null) {
            entry.put("lastCommit", lastCommit(commit, date));
        }
        return entry;
    }

    private static Map<String, Object> lastCommit(StoreView.Commit commit, String date) {
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("id", commit.commit());
        last.put("title", "");
        last.put("date", date);
        return last;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static int depth(String folder) {
        if (folder.isEmpty()) {
            return 0;
        }
        int depth = 1;
        for (int i = 0; i < folder.length(); i++) {
            if (folder.charAt(i) == '/') {
                depth++;
            }
        }
        return depth;
    }

    // ---------------------------------------------------------------- paths-info

    private void pathsInfo(HttpExchange exchange, Outcome outcome, RepoId repo, String revision)
            throws IOException, ServeError {
        byte[] body = readBody(exchange.getRequestBody());
        String text = new String(body, StandardCharsets.UTF_8);
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        List<String> paths = new ArrayList<>();
        boolean expand;
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("application/x-www-form-urlencoded")) {
            Map<String, List<String>> form = query(text);
            paths.addAll(form.getOrDefault("paths", List.of()));
            expand = flag(form, "expand");
        } else {
            try {
                Map<String, Object> json = Json.parseObject(text);
                Object list = json.get("paths");
                if (list instanceof String single) {
                    paths.add(single);
                } else if (list instanceof List<?> many) {
                    for (Object each : many) {
                        if (!(each instanceof String path)) {
                            throw ServeError.badRequest("'paths' must hold strings");
                        }
                        paths.add(path);
                    }
                } else {
                    throw ServeError.badRequest("the body needs \"paths\": [...]");
                }
                expand = Boolean.TRUE.equals(json.get("expand"));
            } catch (JsonException ex) {
                throw ServeError.badRequest("the body is not JSON: " + ex.getMessage());
            }
        }
        StoreView.Commit commit = commit(repo, revision);
        if (pull != null && !view.complete(commit)) {
            boolean missing = false;
            for (String path : paths) {
                if (SafePaths.isSafe(path) && !present(commit, path)) {
                    missing = true;
                }
            }
            if (missing) {
                commit = snapshot(repo, revision);
            }
        }
        List<StoreView.FileInfo> files = view.files(commit);
        Map<String, StoreView.FileInfo> byPath = new LinkedHashMap<>();
        for (StoreView.FileInfo file : files) {
            byPath.put(file.path(), file);
        }
        List<Map<String, Object>> tree = entries(commit, files, null, true, expand);
        Map<String, Map<String, Object>> folders = new LinkedHashMap<>();
        for (Map<String, Object> entry : tree) {
            if ("directory".equals(entry.get("type"))) {
                folders.put((String) entry.get("path"), entry);
            }
        }
        String date = expand ? iso(view.modified(commit)) : null;
        List<Object> result = new ArrayList<>();
        for (String path : paths) {
            String clean = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (byPath.containsKey(clean)) {
                result.add(fileEntry(commit, byPath.get(clean), date));
            } else if (folders.containsKey(clean)) {
                result.add(folders.get(clean));
            }
        }
        sendJson(exchange, outcome, 200, Json.write(result), commit.commit());
    }

    private boolean present(StoreView.Commit commit, String path) {
        try {
            view.file(commit, path);
            return true;
        } catch (ServeError ex) {
            return !ex.isMiss();
        }
    }

    private static byte[] readBody(InputStream in) throws IOException, ServeError {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new ServeError(413, null, "the request body is over " + MAX_BODY + " bytes", null);
        }
        return body;
    }

    // ---------------------------------------------------------------- responses

    private static void sendJson(HttpExchange exchange, Outcome outcome, int status, String json, String commit)
            throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json; charset=utf-8");
        if (commit != null) {
            headers.set("X-Repo-Commit", commit);
        }
        outcome.status = status;
        if (exchange.getRequestMethod().equals("HEAD")) {
            headers.set("Content-Length", String.valueOf(bytes.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        outcome.bytes += bytes.length;
    }

    private static void sendError(HttpExchange exchange, Outcome outcome, ServeError error) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        for (String name : List.of("ETag", "X-Linked-Etag", "X-Linked-Size", "Accept-Ranges", "Link")) {
            headers.remove(name);
        }
        if (error.status != 416) {
            headers.remove("Content-Range");
            headers.remove("X-Repo-Commit");
        }
        if (error.code != null) {
            headers.set("X-Error-Code", error.code);
        }
        headers.set("X-Error-Message", printable(error.getMessage()));
        if (error.commit != null) {
            headers.set("X-Repo-Commit", error.commit);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.getMessage());
        sendJson(exchange, outcome, error.status, Json.write(body), null);
    }

    /** Text safe for a header or a log line: printable ASCII, at most 500 characters. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), 500));
        for (int i = 0; i < text.length() && out.length() < 500; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString().replaceFirst("(\\d\\d:\\d\\d:\\d\\d)Z$", "$1.000Z");
    }
}
