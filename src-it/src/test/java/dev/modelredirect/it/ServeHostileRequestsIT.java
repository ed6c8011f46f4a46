package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Black-box fuzzing of {@code serve} (the real jar in a child JVM, read-only and as a pull-through mirror): seeded raw
 * HTTP requests with hostile paths (traversal, percent-encoded and overlong dots, NUL, backslashes, doubled slashes,
 * a 60 000-character segment) and odd methods. Whatever arrives, the server never sends a byte of a file outside
 * {@code <store>/hub} (marker files beside it, above it and behind a symlink in a snapshot), never answers 5xx without
 * a message, and still serves the right bytes afterwards. {@code -Dserve.fuzz.requests=N} runs longer.
 */
class ServeHostileRequestsIT {
    private static final Pattern FIRST_LINE = Pattern.compile("serving .+ at (http://127\\.0\\.0\\.1:\\d+)");
    private static final String MARKER = "MARKER-OUTSIDE-HUB-7c1e";
    private static final String[] METHODS = {"GET", "GET", "GET", "HEAD", "HEAD", "POST", "PUT", "DELETE", "OPTIONS",
        "TRACE", "PATCH", "PROPFIND", "G\u00c9T", "get"};
    private static final String[] SEGMENTS = {"..", "..", ".", "%2e%2e", "%2E%2e", ".%2e", "%2e.", "%252e%252e",
        "..%2f", "..%2F..%2F", "..%5c", "..\\..", "%c0%ae%c0%ae", "%e0%80%ae", "%00", "a%00b", "%ff", "%", "%2",
        "%zz", "", "~", "~root", "blobs", "snapshots", "refs", "main", "config.json", "weights", "model.bin",
        "secret.txt", "models.lock", "url", "escape", "hub", "..;", "models--org--tiny", "org", "tiny", "resolve",
        "raw", "api", "models", "datasets", "spaces", "revision", "tree", "paths-info", "%2fetc%2fpasswd", "C:",
        "\\\\host\\share", "CON", "aux.txt", "%u002e%u002e", "+", "%20", "a b", "%0d%0aX-Injected:%201"};
    private static final String[] PREFIXES = {"/", "/org/tiny/resolve/main/", "/org/tiny/resolve/{commit}/",
        "/org/tiny/raw/main/", "/api/models/org/tiny/revision/", "/api/models/org/tiny/tree/main/",
        "/api/models/org/tiny/paths-info/", "/datasets/org/tiny/resolve/main/", "/api/datasets/org/tiny/tree/main/",
        "/org/tiny/resolve/main/weights/", "//org//tiny//resolve//main//", "/..", "/org/%2e%2e/resolve/main/"};
    private static final String[] QUERIES = {"", "", "", "?recursive=true&expand=false", "?cursor=..%2f..%2f",
        "?recursive=1&cursor=%00", "?a=" + "b".repeat(500), "?%", "#frag"};

    private FakeHub hub;
    private Path work;
    private Path store;
    private String commit;
    private Content weights;
    private final List<ChildJvm> servers = new ArrayList<>();

    @BeforeEach
    void aStoreWithMarkersAroundItsHubFolder() throws IOException {
        hub = new FakeHub();
        weights = Content.synthetic(300_000, 77);
        commit = hub.model("org/tiny").file("config.json", "{\"hidden\": 8}").lfs("weights/model.bin", weights)
                .commit();
        work = Scratch.fresh("serve-hostile");
        store = work.resolve("store");
        ChildJvm.Exit pull = ChildJvm.run(Duration.ofMinutes(1), work, "pull", "hf://org/tiny", "--store",
                store.toString(), "--endpoint", hub.endpoint());
        assertThat(pull.code()).as(pull.describe()).isZero();
        Files.writeString(work.resolve("secret.txt"), MARKER + " above the store");
        Files.writeString(store.resolve("secret.txt"), MARKER + " beside hub/");
        Files.createDirectories(store.resolve("url"));
        Files.writeString(store.resolve("url/secret.txt"), MARKER + " in url/");
        Path snapshot = store.resolve("hub/models--org--tiny/snapshots/" + commit);
        Files.createSymbolicLink(snapshot.resolve("escape"), work.resolve("secret.txt"));
        Files.createSymbolicLink(store.resolve("hub/models--org--tiny/blobs/escape"), store.resolve("secret.txt"));
    }

    @AfterEach
    void stopEverything() {
        servers.forEach(ChildJvm::close);
        hub.close();
    }

    @Test
    void hostileRequestsNeverReachAByteOutsideTheHubFolderNorBreakTheServer() throws Exception {
        String readOnly = start("serve", "--port", "0", "--store", store.toString());
        String mirror = start("serve", "--port", "0", "--store", store.toString(), "--endpoint", hub.endpoint());
        int count = Integer.getInteger("serve.fuzz.requests", 1500);
        Random random = new Random(14);
        Map<String, Integer> statuses = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int sent = 0;
        for (; sent < count && System.nanoTime() < deadline; sent++) {
            String base = random.nextBoolean() ? readOnly : mirror;
            String method = METHODS[random.nextInt(METHODS.length)];
            String target = target(random);
            Answer answer = send(base, method, target);
            statuses.merge(answer.status() == 0 ? "no answer" : String.valueOf(answer.status()), 1, Integer::sum);
            String what = method + " " + shorten(target) + " on " + base;
            assertThat(answer.text()).as("bytes from outside hub/ in the answer to %s", what).doesNotContain(MARKER);
            if (answer.status() >= 500) {
                assertThat(answer.body().length > 0 || answer.text().toLowerCase().contains("x-error-message"))
                        .as("a %d with a message for %s:\n%s", answer.status(), what, shorten(answer.text())).isTrue();
            }
            assertThat(answer.status()).as("answer to %s:\n%s", what, shorten(answer.text())).isNotEqualTo(500);
        }
        System.out.printf("ServeHostileRequestsIT: %d hostile requests, statuses %s%n", sent, statuses);
        for (String base : List.of(readOnly, mirror)) {
            Answer config = send(base, "GET", "/org/tiny/resolve/main/config.json");
            assertThat(config.status()).as(config.text()).isEqualTo(200);
            assertThat(new String(config.body(), StandardCharsets.UTF_8)).isEqualTo("{\"hidden\": 8}");
            Answer model = send(base, "GET", "/org/tiny/resolve/" + commit + "/weights/model.bin");
            assertThat(model.body()).isEqualTo(weights.bytes());
        }
        servers.forEach(server -> assertThat(server.isAlive()).as(server.stderr()).isTrue());
        assertThat(Files.exists(store.resolve("hub/models--org--tiny/snapshots/" + commit + "/escape"))).isTrue();
    }

    @Test
    void theClassicTraversalsAreRefusedOrNotFound() throws Exception {
        String base = start("serve", "--port", "0", "--store", store.toString());
        for (String target : List.of("/org/tiny/resolve/main/../../../../secret.txt",
                "/org/tiny/resolve/main/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt",
                "/org/tiny/resolve/main/..%2f..%2f..%2f..%2fsecret.txt", "/org/tiny/resolve/main/escape",
                "/org/tiny/resolve/" + commit + "/escape", "/../secret.txt", "/models--org--tiny/blobs/escape",
                "/org/tiny/resolve/main/%00config.json", "/org/tiny/resolve/main/" + "a".repeat(60_000))) {
            Answer answer = send(base, "GET", target);
            assertThat(answer.text()).as(shorten(target)).doesNotContain(MARKER);
            assertThat(answer.status()).as("%s:\n%s", shorten(target), shorten(answer.text())).isIn(0, 400, 403, 404,
                    414, 431);
        }
    }

    private String start(String... args) {
        ChildJvm server = ChildJvm.cli(work, args).start();
        servers.add(server);
        Poll.until(Duration.ofSeconds(30), "serve prints its URL", () -> FIRST_LINE.matcher(server.stdout()).find()
                || !server.isAlive(), server::stderr);
        Matcher matcher = FIRST_LINE.matcher(server.stdout());
        assertThat(matcher.find()).as(server.stderr()).isTrue();
        return matcher.group(1);
    }

    private String target(Random random) {
        StringBuilder path = new StringBuilder(PREFIXES[random.nextInt(PREFIXES.length)].replace("{commit}", commit));
        int segments = random.nextInt(7);
        for (int i = 0; i < segments; i++) {
            if (i > 0) {
                path.append(random.nextInt(8) == 0 ? "//" : "/");
            }
            path.append(random.nextInt(40) == 0 ? "x".repeat(60_000) : SEGMENTS[random.nextInt(SEGMENTS.length)]);
        }
        return path.append(QUERIES[random.nextInt(QUERIES.length)]).toString();
    }

    /** What came back over the socket: status 0 when the server closed it without an answer. */
    private record Answer(int status, String text, byte[] body) {
    }

    /** One request written byte for byte (no client normalises the path), read until the server closes. */
    private static Answer send(String base, String method, String target) throws IOException {
        URI uri = URI.create(base);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            String body = method.equals("POST") ? "paths=config.json&paths=..%2f..%2fsecret.txt&expand=true" : "";
            String request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (body.isEmpty() ? "" : "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                    + body.length() + "\r\n") + "\r\n" + body;
            try {
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException refusedMidWrite) {
                // a server may close at once on a request line it will not read
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            try {
                in.transferTo(received);
            } catch (SocketTimeoutException ex) {
                throw new AssertionError("no answer within 20 s to " + method + " " + shorten(target), ex);
            } catch (IOException reset) {
                // closed by the server: judged by what arrived
            }
            byte[] bytes = received.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int status = 0;
            if (text.startsWith("HTTP/1.1 ") && text.length() >= 12) {
                status = Integer.parseInt(text.substring(9, 12));
            }
            int end = text.indexOf("\r\n\r\n");
            byte[] payload = end < 0 ? new byte[0] : java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
            if (text.toLowerCase().contains("transfer-encoding: chunked")) {
                payload = dechunk(payload);
            }
            return new Answer(status, text, payload);
        }
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = at;
            while (lineEnd + 1 < chunked.length && !(chunked[lineEnd] == '\r' && chunked[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            String sizeText = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim();
            int size = sizeText.isEmpty() ? 0 : Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static String shorten(String text) {
        return text.length() > 400 ? text.substring(0, 400) + "...(" + text.length() + " chars)" : text;
    }
}
