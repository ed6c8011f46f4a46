package dev.modelredirect.serve;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The body of one {@link Http1Exchange} response: exactly its {@code Content-Length} (more is refused; less is seen by
 * {@link #complete} and ends the keep-alive of the connection), or HTTP/1.1 chunks ended by {@link #finish}. One
 * thread.
 */
final class ResponseBody extends OutputStream {
    private final OutputStream out;
    private final long length;
    private final boolean chunked;
    private long written;
    private boolean finished;

    ResponseBody(OutputStream out, long length, boolean chunked) {
        this.out = out;
        this.length = length;
        this.chunked = chunked;
    }

    boolean complete() {
        return chunked ? finished : written == length;
    }

    void reserve(long count) throws IOException {
        if (chunked || written + count > length) {
            throw new IOException("the body is longer than its Content-Length " + length);
        }
    }

    void sent(long count) {
        written += count;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (finished) {
            throw new IOException("the response is complete");
        }
        if (chunked) {
            out.write(RequestHead.ascii(Integer.toHexString(len) + "\r\n"));
            out.write(b, off, len);
            out.write(CRLF);
        } else {
            if (written + len > length) {
                throw new IOException("the body is longer than its Content-Length " + length);
            }
            out.write(b, off, len);
        }
        written += len;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    void finish() throws IOException {
        if (chunked && !finished) {
            out.write(LAST_CHUNK);
        }
        finished = true;
    }

    @Override
    public void close() throws IOException {
        finish();
        out.flush();
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = RequestHead.ascii("0\r\n\r\n");
}
