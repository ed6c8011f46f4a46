package dev.modelredirect.testing;

import dev.modelredirect.json.Json;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okio.BufferedSink;

/**
 * MockWebServer playing the Hugging Face Hub, for tests: a hub server and a CDN server on another port.
 *
 * <p>The hub serves {@code HEAD/GET /[datasets/]ORG/NAME/resolve/REV/PATH} (small files: 200 with a git-sha1 ETag;
 * LFS files: 302 to the CDN with {@code X-Linked-Etag}/{@code X-Linked-Size}), the revision, tree (paginated with
 * {@code Link}) and paths-info APIs, {@code X-Error-Code} refusals, gated repositories and renamed ones (relative 307).
 * Both servers honour {@code Range}. Faults can be queued: statuses, truncated or corrupted bodies, ignored ranges,
 * slow bodies, expired CDN links. Every request is recorded.
 */
public final class FakeHub extends Dispatcher implements Closeable {
    /** One request as the servers saw it. */
    public record Seen(String server, String method, String path, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A file of a repository. */
    public record RepoFile(Content content, boolean lfs) {
    }

    /** A repository: files at one commit, branches naming it. */
    public final class Repo {
        final String type;
        final String id;
        final Map<String, RepoFile> files = new TreeMap<>();
        final Map<String, String> refs = new ConcurrentHashMap<>();
        final Set<String> commits = ConcurrentHashMap.newKeySet();
        String commit;
        String gatedToken;

        Repo(String type, String id) {
            this.type = type;
            this.id = id;
            this.commit = sha1Hex(type + "/" + id + "@1");
            commits.add(commit);
            refs.put("main", commit);
        }

        public Repo file(String path, String text) {
            return file(path, Content.of(text), false);
        }

        public Repo file(String path, Content content, boolean lfs) {
            files.put(path, new RepoFile(content, lfs));
            return this;
        }

        public Repo lfs(String path, Content content) {
            return file(path, content, true);
        }

        /** Moves {@code main} to a new commit, as a push would. */
        public Repo newCommit() {
            commit = sha1Hex(commit + "+");
            commits.add(commit);
            refs.put("main", commit);
            return this;
        }

        public Repo branch(String name) {
            refs.put(name, commit);
            return this;
        }

        /** Requires this bearer token, answering {@code GatedRepo} without it. */
        public Repo gated(String token) {
            gatedToken = token;
            return this;
        }

        public String commit() {
            return commit;
        }

        public String id() {
            return id;
        }

        public Content content(String path) {
            return files.get(path).content();
        }
    }

    /** A fault the next matching request gets. */
    /** SLOW: {@code at} bytes per 100 ms and connection; TRICKLE: {@code at} bytes per 10 ms (smoother). */
    public enum FaultKind { STATUS, TRUNCATE, CORRUPT, IGNORE_RANGE, SLOW, DISCONNECT, TRICKLE }

    private record Fault(Predicate<Seen> matches, AtomicInteger remaining, FaultKind kind, int status,
            String retryAfter, long at) {
    }

    private final MockWebServer hub = new MockWebServer();
    private final MockWebServer cdn = new MockWebServer();
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String> renames = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Set<String> expiredSignatures = ConcurrentHashMap.newKeySet();
    private final AtomicInteger signatures = new AtomicInteger();
    private volatile int treePageSize = 1000;

    private final java.util.concurrent.atomic.AtomicLong contentBytes = new java.util.concurrent.atomic.AtomicLong();

    public FakeHub() throws IOException {
        this(null);
    }

    /** A hub and CDN that speak TLS with {@code tls} (a server socket factory), when not null. */
    public FakeHub(javax.net.ssl.SSLSocketFactory tls) throws IOException {
        if (tls != null) {
            hub.useHttps(tls);
            cdn.useHttps(tls);
        }
        hub.setDispatcher(this);
        cdn.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return serveCdn(request);
            }
        });
        hub.start(InetAddress.getLoopbackAddress(), 0);
        cdn.start(InetAddress.getLoopbackAddress(), 0);
    }

    /** The hub's base URL, without trailing slash. */
    public String endpoint() {
        String url = hub.url("/").toString();
        return url.substring(0, url.length() - 1);
    }

    public int cdnPort() {
        return cdn.getPort();
    }

    public Repo model(String id) {
        return repos.computeIfAbsent("models/" + id, k -> new Repo("models", id));
    }

    public Repo dataset(String id) {
        return repos.computeIfAbsent("datasets/" + id, k -> new Repo("datasets", id));
    }

    /** Serves {@code oldId} as a relative redirect to {@code newId}, as the Hub does for renamed repositories. */
    public void rename(String oldId, String newId) {
        renames.put(oldId, newId);
    }

    public void treePageSize(int size) {
        treePageSize = size;
    }

    /** The next {@code times} requests matching get the fault. */
    public void fault(Predicate<Seen> matches, int times, FaultKind kind, int status, String retryAfter, long at) {
        faults.add(new Fault(matches, new AtomicInteger(times), kind, status, retryAfter, at));
    }

    /** The next {@code times} requests matching get {@code status}. */
    public void failWith(Predicate<Seen> matches, int times, int status, String retryAfter) {
        fault(matches, times, FaultKind.STATUS, status, retryAfter, 0);
    }

    /** CDN links handed out so far stop working (403), as signed links expire. */
    public void expireCdnLinks() {
        for (int i = 0; i <= signatures.get(); i++) {
            expiredSignatures.add(String.valueOf(i));
        }
    }

    public List<Seen> requests() {
        return Collections.unmodifiableList(seen);
    }

    public List<Seen> requests(String method) {
        return seen.stream().filter(s -> s.method().equals(method)).toList();
    }

    public void clearRequests() {
        seen.clear();
    }

    /** Body bytes of files handed to the network so far (faults other than truncation and corruption counted). */
    public long contentBytesSent() {
        return contentBytes.get();
    }

    /** Requests for content bytes (GETs of files on hub or CDN), the ones a hit must never make. */
    public long contentGets() {
        return seen.stream().filter(s -> s.method().equals("GET")
                && (s.server().equals("cdn") || s.path().contains("/resolve/"))).count();
    }

    @Override
    public void close() {
        hub.close();
        cdn.close();
    }

    // ---------------------------------------------------------------- dispatch

    private Seen record(String server, RecordedRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : request.getHeaders().names()) {
            headers.put(name.toLowerCase(java.util.Locale.ROOT), request.getHeaders().get(name));
        }
        HttpUrl url = request.getUrl();
        String path = url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery());
        Seen s = new Seen(server, request.getMethod(), path, headers);
        seen.add(s);
        return s;
    }

    private Fault takeFault(Seen request) {
        for (Fault fault : faults) {
            if (fault.matches().test(request) && fault.remaining().getAndDecrement() > 0) {
                return fault;
            }
        }
        return null;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        Seen s = record("hub", request);
        Fault fault = takeFault(s);
        if (fault != null && fault.kind() == FaultKind.STATUS) {
            return statusFault(fault);
        }
        if (fault != null && fault.kind() == FaultKind.DISCONNECT) {
            return new MockResponse.Builder().onRequestStart(mockwebserver3.SocketEffect.ShutdownConnection.INSTANCE)
                    .build();
        }
        List<String> segments = request.getUrl().pathSegments();
        if (!segments.isEmpty() && segments.get(0).equals("api")) {
            return serveApi(request, segments);
        }
        return serveResolve(request, s, segments, fault);
    }

    private static MockResponse statusFault(Fault fault) {
        MockResponse.Builder response = new MockResponse.Builder().code(fault.status()).body("fault");
        if (fault.retryAfter() != null) {
            response.addHeader("Retry-After", fault.retryAfter());
        }
        return response.build();
    }

    private MockResponse serveResolve(RecordedRequest request, Seen seenRequest, List<String> segments,
            Fault fault) {
        int base = 0;
        String type = "models";
        if (!segments.isEmpty() && (segments.get(0).equals("datasets") || segments.get(0).equals("spaces"))) {
            type = segments.get(0);
            base = 1;
        }
        if (segments.size() < base + 5 || !segments.get(base + 2).equals("resolve")) {
            return new MockResponse.Builder().code(404).body("not found").build();
        }
        String id = segments.get(base) + "/" + segments.get(base + 1);
        if (renames.containsKey(id)) {
            String rest = String.join("/", segments.subList(base + 2, segments.size()).stream()
                    .map(FakeHub::encodeSegment).toList());
            return new MockResponse.Builder().code(307)
                    .addHeader("Location", "/" + (base == 1 ? type + "/" : "") + renames.get(id) + "/" + rest)
                    .build();
        }
        Repo repo = repos.get(type + "/" + id);
        if (repo == null) {
            return error(401, "RepoNotFound", null, "Repository not found");
        }
        MockResponse gate = gate(repo, request);
        if (gate != null) {
            return gate;
        }
        String rev = segments.get(base + 3);
        String commit = repo.refs.containsKey(rev) ? repo.refs.get(rev) : repo.commits.contains(rev) ? rev : null;
        if (commit == null) {
            return error(404, "RevisionNotFound", null, "Invalid rev id: " + rev);
        }
        String path = String.join("/", segments.subList(base + 4, segments.size()));
        RepoFile file = repo.files.get(path);
        if (file == null) {
            return error(404, "EntryNotFound", commit, path + " does not exist on \"" + rev + "\"");
        }
        Content content = file.content();
        if (file.lfs()) {
            String signature = String.valueOf(signatures.incrementAndGet());
            HttpUrl location = cdn.url("/blobs/" + content.sha256()).newBuilder()
                    .addQueryParameter("sig", signature).build();
            return new MockResponse.Builder().code(302)
                    .addHeader("Location", location.toString())
                    .addHeader("X-Repo-Commit", commit)
                    .addHeader("X-Linked-Etag", "\"" + content.sha256() + "\"")
                    .addHeader("X-Linked-Size", String.valueOf(content.size()))
                    .addHeader("ETag", "\"" + sha1Hex("pointer " + content.sha256()) + "\"")
                    .build();
        }
        MockResponse.Builder response = new MockResponse.Builder()
                .addHeader("X-Repo-Commit", commit)
                .addHeader("ETag", "\"" + content.gitSha1() + "\"");
        return body(response, request, seenRequest, content, fault);
    }

    private MockResponse gate(Repo repo, RecordedRequest request) {
        if (repo.gatedToken == null) {
            return null;
        }
        String authorization = request.getHeaders().get("Authorization");
        if (authorization == null) {
            return error(401, "GatedRepo", null, "Access to model " + repo.id + " is restricted.");
        }
        if (!authorization.equals("Bearer " + repo.gatedToken)) {
            return error(403, "GatedRepo", null, "Access to model " + repo.id + " is restricted.");
        }
        return null;
    }

    private MockResponse serveCdn(RecordedRequest request) {
        Seen s = record("cdn", request);
        Fault fault = takeFault(s);
        if (fault != null && fault.kind() == FaultKind.STATUS) {
            return statusFault(fault);
        }
        String signature = request.getUrl().queryParameter("sig");
        if (signature != null && expiredSignatures.contains(signature)) {
            return new MockResponse.Builder().code(403).body("Request has expired").build();
        }
        List<String> segments = request.getUrl().pathSegments();
        if (segments.size() != 2 || !segments.get(0).equals("blobs")) {
            return new MockResponse.Builder().code(404).build();
        }
        for (Repo repo : repos.values()) {
            for (RepoFile file : repo.files.values()) {
                if (file.lfs() && file.content().sha256().equals(segments.get(1))) {
                    MockResponse.Builder response = new MockResponse.Builder()
                            .addHeader("ETag", "\"" + file.content().sha256() + "\"");
                    return body(response, request, s, file.content(), fault);
                }
            }
        }
        return new MockResponse.Builder().code(404).build();
    }

    /** A 200 or 206 with the content, honouring Range unless a fault says otherwise. */
    private MockResponse body(MockResponse.Builder response, RecordedRequest request, Seen s, Content content,
            Fault fault) {
        long size = content.size();
        long from = 0;
        long to = size;
        String range = request.getHeaders().get("Range");
        boolean ranged = range != null && (fault == null || fault.kind() != FaultKind.IGNORE_RANGE);
        response.addHeader("Accept-Ranges", "bytes");
        if (ranged) {
            long[] parsed = parseRange(range, size);
            if (parsed == null) {
                return response.code(416).addHeader("Content-Range", "bytes */" + size).build();
            }
            from = parsed[0];
            to = parsed[1];
            response.code(206).addHeader("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + size);
        } else {
            response.code(200);
        }
        if (s.method().equals("HEAD")) {
            return response.addHeader("Content-Length", String.valueOf(to - from)).build();
        }
        long start = from;
        long end = to;
        MockResponseBody body = new MockResponseBody() {
            @Override
            public long getContentLength() {
                return end - start;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                if (fault != null && fault.kind() == FaultKind.TRUNCATE) {
                    content.write(sink, start, Math.min(end, start + fault.at()));
                    sink.flush();
                    return;
                }
                if (fault != null && fault.kind() == FaultKind.CORRUPT) {
                    byte[] bytes = new byte[(int) (end - start)];
                    content.read(start, bytes, 0, bytes.length);
                    bytes[bytes.length / 2] ^= 0x5a;
                    sink.write(bytes);
                    sink.flush();
                    return;
                }
                BufferedSink counted = okio.Okio.buffer(new okio.ForwardingSink(sink) {
                    @Override
                    public void write(okio.Buffer source, long byteCount) throws IOException {
                        contentBytes.addAndGet(byteCount);
                        super.write(source, byteCount);
                    }
                });
                content.write(counted, start, end);
                counted.flush();
            }
        };
        response.body(body);
        if (fault != null && fault.kind() == FaultKind.TRUNCATE) {
            response.onResponseEnd(mockwebserver3.SocketEffect.ShutdownConnection.INSTANCE);
        }
        if (fault != null && fault.kind() == FaultKind.SLOW) {
            response.throttleBody(Math.max(1, fault.at()), 100, TimeUnit.MILLISECONDS);
        }
        if (fault != null && fault.kind() == FaultKind.TRICKLE) {
            response.throttleBody(Math.max(1, fault.at()), 10, TimeUnit.MILLISECONDS);
        }
        return response.build();
    }

    private static long[] parseRange(String header, long size) {
        if (!header.startsWith("bytes=") || header.contains(",")) {
            return null;
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            if (dash == 0) {
                long suffix = Long.parseLong(spec.substring(1));
                return new long[] {Math.max(0, size - suffix), size};
            }
            long from = Long.parseLong(spec.substring(0, dash));
            long to = dash == spec.length() - 1 ? size : Math.min(size, Long.parseLong(spec.substring(dash + 1)) + 1);
            if (from >= size || from >= to) {
                return null;
            }
            return new long[] {from, to};
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    // ---------------------------------------------------------------- API

    private MockResponse serveApi(RecordedRequest request, List<String> segments) {
        // /api/{type}/{org}/{name}/{action}/{rev}
        if (segments.size() < 6) {
            return new MockResponse.Builder().code(404).build();
        }
        String type = segments.get(1);
        String id = segments.get(2) + "/" + segments.get(3);
        String action = segments.get(4);
        Repo repo = repos.get(type + "/" + id);
        if (repo == null) {
            return error(401, "RepoNotFound", null, "Repository not found");
        }
        MockResponse gate = gate(repo, request);
        if (gate != null) {
            return gate;
        }
        String rev = segments.get(5);
        String commit = repo.refs.containsKey(rev) ? repo.refs.get(rev) : repo.commits.contains(rev) ? rev : null;
        if (commit == null) {
            return error(404, "RevisionNotFound", null, "Invalid rev id: " + rev);
        }
        switch (action) {
            case "revision": {
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("id", id);
                info.put("sha", commit);
                List<Object> siblings = new ArrayList<>();
                for (String path : repo.files.keySet()) {
                    siblings.add(Map.of("rfilename", path));
                }
                info.put("siblings", siblings);
                return json(Json.write(info));
            }
            case "tree":
                return tree(repo, request, type, id, commit);
            case "paths-info": {
                Map<String, Object> body = Json.parseObject(request.getBody().string(StandardCharsets.UTF_8));
                List<Object> result = new ArrayList<>();
                for (Object path : (List<?>) body.get("paths")) {
                    RepoFile file = repo.files.get((String) path);
                    if (file != null) {
                        Map<String, Object> entry = entry((String) path, file);
                        entry.put("lastCommit", Map.of("id", commit, "title", "commit", "date",
                                "2026-01-01T00:00:00.000Z"));
                        result.add(entry);
                    }
                }
                return json(Json.write(result));
            }
            default:
                return new MockResponse.Builder().code(404).build();
        }
    }

    private MockResponse tree(Repo repo, RecordedRequest request, String type, String id, String commit) {
        List<Map<String, Object>> all = new ArrayList<>();
        Set<String> directories = new TreeSet<>();
        for (String path : repo.files.keySet()) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                directories.add(path.substring(0, slash));
            }
        }
        for (String directory : directories) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", "directory");
            entry.put("oid", sha1Hex("dir " + directory));
            entry.put("size", 0);
            entry.put("path", directory);
            all.add(entry);
        }
        for (Map.Entry<String, RepoFile> file : repo.files.entrySet()) {
            all.add(entry(file.getKey(), file.getValue()));
        }
        String cursor = request.getUrl().queryParameter("cursor");
        int from = cursor == null ? 0 : Integer.parseInt(cursor);
        int to = Math.min(all.size(), from + treePageSize);
        MockResponse.Builder response = new MockResponse.Builder().code(200)
                .addHeader("Content-Type", "application/json").body(Json.write(all.subList(from, to)));
        if (to < all.size()) {
            HttpUrl next = request.getUrl().newBuilder().setQueryParameter("cursor", String.valueOf(to)).build();
            response.addHeader("Link", "<" + next + ">; rel=\"next\"");
        }
        return response.build();
    }

    private static Map<String, Object> entry(String path, RepoFile file) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", "file");
        entry.put("oid", file.lfs() ? sha1Hex("pointer " + file.content().sha256()) : file.content().gitSha1());
        entry.put("size", file.lfs() ? 134 : file.content().size());
        entry.put("path", path);
        if (file.lfs()) {
            Map<String, Object> lfs = new LinkedHashMap<>();
            lfs.put("oid", file.content().sha256());
            lfs.put("size", file.content().size());
            lfs.put("pointerSize", 134);
            entry.put("lfs", lfs);
        }
        return entry;
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    private static MockResponse error(int status, String code, String commit, String message) {
        MockResponse.Builder response = new MockResponse.Builder().code(status)
                .addHeader("X-Error-Code", code).addHeader("X-Error-Message", message)
                .body("{\"error\":\"" + message.replace("\"", "'") + "\"}");
        if (commit != null) {
            response.addHeader("X-Repo-Commit", commit);
        }
        return response.build();
    }

    private static String encodeSegment(String segment) {
        return HttpUrl.get("http://x/").newBuilder().addPathSegment(segment).build().encodedPath().substring(1);
    }

    /** SHA-1 hex of a text, for made-up commit ids. */
    public static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
