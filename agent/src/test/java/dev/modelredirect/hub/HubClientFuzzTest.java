package dev.modelredirect.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelredirect.fetch.AuthPolicy;
import dev.modelredirect.fetch.Http;
import dev.modelredirect.fetch.RetryPolicy;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.testing.Mutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A hostile mirror: a real HTTP server on loopback answers {@link HubClient}'s HEAD, revision and tree requests with
 * fuzzed statuses, headers ({@code X-Repo-Commit}, {@code ETag}, {@code X-Linked-Etag}, {@code X-Linked-Size},
 * {@code Location}, {@code Link}, {@code X-Error-Code}) and JSON bodies. Whatever it sends, the client returns
 * metadata that is safe to use as file names (a 40-hex commit, a plain etag, paths that cannot escape) or fails with
 * an {@link IOException} that says what went wrong; never a runtime exception, and never a connection to another
 * host or port (Jazzer's server-side request forgery detector).
 *
 * <p>The detector ({@link BugDetectors}) works only once Jazzer's agent is installed, which the first {@link FuzzTest}
 * run in the JVM does; without it, its class fails to initialise and every later use fails. The fuzz test therefore
 * runs first here, rather than rely on another fuzz test class having run before this one (surefire runs classes in
 * file system order, which differs from one machine to the next).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HubClientFuzzTest {
    private static final String[] HEADERS = {"X-Repo-Commit", "ETag", "X-Linked-Etag", "X-Linked-Size",
        "Content-Length", "Location", "Link", "X-Error-Code", "X-Error-Message"};
    private static final String[] PIECES = {"0123456789abcdef0123456789abcdef01234567", "\"", "W/", "../", "..", "/",
        "<", ">; rel=\"next\"", "RepoNotFound", "GatedRepo", "EntryNotFound", "-1", "99999999999999999999", "0",
        "http://127.0.0.1:1/", "//evil.example/x", "%2e%2e", "{\"sha\":", "[{\"type\":\"file\",\"path\":",
        "\"size\":", "\"lfs\":{\"oid\":", "}", "]", ","};
    private static final int[] STATUSES = {200, 200, 200, 206, 301, 302, 307, 400, 401, 403, 404, 410, 416, 500};

    private static final MockWebServer SERVER = start();
    private static final AtomicInteger SERVED = new AtomicInteger();
    private static volatile MockResponse answer;

    private final RepoId repo = new RepoId(RepoType.MODEL, "org", "tiny");

    @FuzzTest(maxDuration = "60s")
    @Order(1)
    void anyServerAnswerIsUsedOrRefusedAsAHubError(byte[] input) {
        // Jazzer's SSRF detector stays on for every other destination: whatever the answers say (redirects, Link
        // headers to other origins), the client may connect to the mirror it was given and nowhere else
        try (SilentCloseable onlyTheMirror = BugDetectors.allowNetworkConnections((host, port) ->
                port == SERVER.getPort() && (host.equals("127.0.0.1") || host.equals("localhost")))) {
            exchange(input);
        }
    }

    private void exchange(byte[] input) {
        answer = response(new Reader(input));
        Http http = new Http(new AuthPolicy(SERVER.url("/").toString(), Optional.empty()),
                new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1)),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
        HubClient client = new HubClient(http, SERVER.url("/").toString(), false, SafePaths::isSafe);
        SERVED.set(0);
        try {
            HubFile file = client.head(repo, "main", "config.json");
            assertThat(file.commit()).matches("[0-9a-f]{40}|[0-9A-F]{40}|[0-9a-fA-F]{40}");
            assertThat(file.etag()).doesNotContain("/").doesNotStartWith(".").matches("[A-Za-z0-9._-]{1,128}");
        } catch (IOException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
        SERVED.set(0);
        try {
            assertThat(client.commitOf(repo, "main")).matches("[0-9a-fA-F]{40}");
        } catch (IOException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
        SERVED.set(0);
        try {
            List<TreeEntry> entries = client.tree(repo, "0123456789abcdef0123456789abcdef01234567");
            entries.forEach(entry -> assertThat(SafePaths.isSafe(entry.path())).as(entry.path()).isTrue());
        } catch (IOException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Test
    @Order(2)
    void seededHostileAnswersAreUsedSafelyOrRefused() {
        List<byte[]> corpus = Mutations.corpus(HubClientFuzzTest.class, "anyServerAnswerIsUsedOrRefusedAsAHubError");
        int ran = Mutations.ofBytes(14, corpus).run(1_500, 101, Duration.ofSeconds(5),
                this::anyServerAnswerIsUsedOrRefusedAsAHubError);
        assertThat(ran).isGreaterThan(100);
    }

    private static MockResponse response(Reader data) {
        MockResponse.Builder response = new MockResponse.Builder()
                .code(STATUSES[data.consumeInt(0, STATUSES.length - 1)]);
        int headers = data.consumeInt(0, 8);
        for (int i = 0; i < headers; i++) {
            String name = HEADERS[data.consumeInt(0, HEADERS.length - 1)];
            if (!name.equals("Content-Length")) {
                response.addHeader(name, headerValue(data));
            }
        }
        StringBuilder body = new StringBuilder();
        int pieces = data.consumeInt(0, 12);
        for (int i = 0; i < pieces; i++) {
            body.append(data.consumeBoolean() ? PIECES[data.consumeInt(0, PIECES.length - 1)]
                    : data.consumeString(40));
        }
        return response.body(body.toString()).build();
    }

    /** A header value: the fuzzer's pieces and text, without the characters HTTP cannot carry in a header. */
    private static String headerValue(Reader data) {
        StringBuilder value = new StringBuilder();
        int pieces = data.consumeInt(1, 3);
        for (int i = 0; i < pieces; i++) {
            value.append(data.consumeBoolean() ? PIECES[data.consumeInt(0, PIECES.length - 1)]
                    : data.consumeString(20));
        }
        return value.toString().replaceAll("[^\\x20-\\x7e]", "").trim();
    }

    /** The fuzzer's bytes read as choices and text; past the end, every choice is the first. */
    private static final class Reader {
        private final byte[] bytes;
        private int at;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int consumeInt(int min, int max) {
            int b = at < bytes.length ? bytes[at++] & 0xff : 0;
            return min + b % (max - min + 1);
        }

        boolean consumeBoolean() {
            return consumeInt(0, 1) == 1;
        }

        String consumeString(int max) {
            int length = Math.min(consumeInt(0, max), bytes.length - at);
            String text = new String(bytes, at, Math.max(0, length), java.nio.charset.StandardCharsets.ISO_8859_1);
            at += Math.max(0, length);
            return text;
        }
    }

    private static MockWebServer start() {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                // a next page or redirect is answered from the same fuzzed answer at most twice, then with an end
                return SERVED.incrementAndGet() <= 3 ? answer : new MockResponse.Builder().code(404).build();
            }
        });
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return server;
    }
}
