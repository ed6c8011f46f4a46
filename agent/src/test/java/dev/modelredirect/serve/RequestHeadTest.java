package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link RequestHead}: well-formed heads are read, and every ambiguous or oversized one is refused. */
class RequestHeadTest {
    static InputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static int refusal(String text) {
        try {
            RequestHead.read(in(text));
        } catch (RequestHead.Malformed bad) {
            return bad.status;
        } catch (Exception other) {
            return -1;
        }
        return 0;
    }

    @Test
    void aRequestLineHeadersAndALengthAreRead() throws Exception {
        InputStream stream = in("\r\nPOST /api/x?y=1 HTTP/1.1\r\nHost: h\r\ncontent-length: 5\r\nX-A:  b c \n\r\nhelloGET / "
                + "HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        RequestHead post = RequestHead.read(stream);
        assertThat(post.method).isEqualTo("POST");
        assertThat(post.uri.getRawPath()).isEqualTo("/api/x");
        assertThat(post.uri.getRawQuery()).isEqualTo("y=1");
        assertThat(post.contentLength).isEqualTo(5);
        assertThat(post.headers.getFirst("X-A")).isEqualTo("b c");
        assertThat(post.wantsKeepAlive()).isTrue();
        assertThat(stream.readNBytes(5)).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
        RequestHead get = RequestHead.read(stream);
        assertThat(get.http11).isFalse();
        assertThat(get.wantsKeepAlive()).isTrue();
        assertThat(RequestHead.read(stream)).as("a clean end").isNull();
    }

    @Test
    void smugglingShapesAreRefused() {
        assertThat(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")).isEqualTo(501);
        assertThat(refusal("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("GET / HTTP/1.1\r\nX-A: b\r\n folded\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("GET / HTTP/1.1\r\nBad Name: b\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("GET / HTTP/1.1\r\nX-A: b\0c\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void badRequestLinesAndOversizedHeadsAreRefused() {
        assertThat(refusal("GET /\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("GET  / HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("GET / HTTP/2.0\r\n\r\n")).isEqualTo(505);
        assertThat(refusal("GET / SPDY\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("GET * HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("GET /a|b HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("G{T / HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(refusal("GET /" + "a".repeat(RequestHead.MAX_HEAD) + " HTTP/1.1\r\n\r\n")).isEqualTo(431);
        assertThat(refusal("GET / HTTP/1.1\r\n" + "X-A: b\r\n".repeat(RequestHead.MAX_HEADERS + 1) + "\r\n"))
                .isEqualTo(431);
    }

    @Test
    void aConnectionEndingWithinAHeadIsAnErrorNotARequest() {
        assertThatThrownBy(() -> RequestHead.read(in("GET / HTTP/1.1\r\nHost: h\r\n"))).isInstanceOf(EOFException.class);
        assertThat(refusal("GET / HTTP/1.1\r\nHost")).isEqualTo(-1);
    }
}
