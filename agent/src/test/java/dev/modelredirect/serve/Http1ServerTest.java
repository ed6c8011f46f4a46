package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Http1Server} on raw sockets: keep-alive, framing, refusals, and its connection limit. */
class Http1ServerTest {
    final AtomicInteger handled = new AtomicInteger();
    Http1Server server;

    /** Echoes the method, path and body length; {@code /chunked} answers without a length. */
    final HttpHandler echo = exchange -> {
        handled.incrementAndGet();
        byte[] body = exchange.getRequestBody().readAllBytes();
        byte[] answer = (exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                + body.length).getBytes(StandardCharsets.US_ASCII);
        if (exchange.getRequestURI().getPath().equals("/chunked")) {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write(answer);
        } else if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(answer.length));
            exchange.sendResponseHeaders(200, -1);
        } else {
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
        exchange.close();
    };

    Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    void start(HttpHandler handler, int connections) throws IOException {
        server = Http1Server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, handler,
                connections, 50);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Reads one response: its head, then the body its Content-Length or chunks say. */
    static String response(InputStream in) throws IOException {
        return response(in, false);
    }

    /** One response; for a HEAD request, no body is read whatever its Content-Length says. */
    static String response(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (!bytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
            }
            bytes.write(c);
        }
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        String lower = text.toLowerCase();
        int at = lower.indexOf("content-length: ");
        if (text.startsWith("HTTP/1.1 100")) {
            return text;
        }
        if (at >= 0 && !head) {
            int length = Integer.parseInt(lower.substring(at + 16, lower.indexOf('\r', at)));
            return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
        }
        if (lower.contains("transfer-encoding: chunked")) {
            StringBuilder body = new StringBuilder();
            for (;;) {
                StringBuilder size = new StringBuilder();
                for (int c; (c = in.read()) != '\n'; ) {
                    size.append((char) c);
                }
                int n = Integer.parseInt(size.toString().trim(), 16);
                body.append(new String(in.readNBytes(n), StandardCharsets.ISO_8859_1));
                in.readNBytes(2);
                if (n == 0) {
                    return text + body;
                }
            }
        }
        return text;
    }

    @Test
    void oneHttp11ConnectionCarriesManyRequestsIncludingPipelinedOnes() throws Exception {
        start(echo, 8);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"
                    + "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(response(in)).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: keep-alive")
                    .endsWith("GET /a 0");
            assertThat(response(in)).endsWith("POST /b 3");
            assertThat(response(in).toLowerCase()).contains("transfer-encoding: chunked").endsWith("get /chunked 0");
            out.write("GET /last HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(response(in)).contains("Connection: close").endsWith("GET /last 0");
            assertThat(in.read()).as("closed after Connection: close").isEqualTo(-1);
        }
        assertThat(handled).hasValue(4);
    }

    @Test
    void http10KeepsTheConnectionOnlyWhenAskedAndHeadSendsNoBody() throws Exception {
        start(echo, 8);
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("HEAD /h HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /g HTTP/1.0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = response(in, true);
            assertThat(head).contains("Content-length: 9").contains("Connection: keep-alive").endsWith("\r\n\r\n");
            assertThat(response(in)).contains("Connection: close").endsWith("GET /g 0");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void expectContinueGetsA100BeforeTheBodyIsSent() throws Exception {
        start(echo, 8);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /p HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(response(in)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            out.write("abcd".getBytes(StandardCharsets.US_ASCII));
            assertThat(response(in)).endsWith("POST /p 4");
        }
    }

    @Test
    void aMalformedRequestIsAnswered400AndTheConnectionClosedWithoutCallingTheHandler() throws Exception {
        start(echo, 8);
        for (String bad : new String[] {"GET /a b HTTP/1.1\r\n\r\n", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                + "\r\n0\r\n\r\n", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"}) {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(bad.getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                assertThat(response(in)).matches("(?s)HTTP/1.1 (400|501) .*Connection: close.*");
                assertThat(in.read()).isEqualTo(-1);
            }
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void aHeaderValueWithALineBreakCannotSplitTheResponse() throws Exception {
        start(exchange -> {
            try {
                exchange.getResponseHeaders().add("X-Name", "a\r\nSet-Cookie: evil=1");
                exchange.sendResponseHeaders(200, -1);
            } catch (IllegalArgumentException refused) {
                exchange.getResponseHeaders().remove("X-Name");
                exchange.sendResponseHeaders(500, -1);
            }
            exchange.close();
        }, 8);
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(response(socket.getInputStream())).doesNotContain("Set-Cookie");
        }
    }

    @Test
    void beyondTheConnectionLimitANewClientWaitsUntilOneCloses() throws Exception {
        start(echo, 1);
        try (Socket first = connect(); Socket second = connect()) {
            first.getOutputStream().write("GET /1 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(response(first.getInputStream())).endsWith("GET /1 0");
            second.getOutputStream().write("GET /2 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            second.setSoTimeout(500);
            assertThatWaits(second.getInputStream());
            first.close();
            second.setSoTimeout(10_000);
            assertThat(response(second.getInputStream())).endsWith("GET /2 0");
        }
    }

    private static void assertThatWaits(InputStream in) throws IOException {
        try {
            int c = in.read();
            assertThat(c).as("an answer while the only slot is taken").isEqualTo(Integer.MIN_VALUE);
        } catch (java.net.SocketTimeoutException expected) {
            // no answer yet: it waits
        }
    }
}
