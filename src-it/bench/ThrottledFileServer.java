import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark server (not a test): serves one file over HTTP/1.1 on 127.0.0.1 with a strict per-connection rate limit,
 * as a CDN edge limits each connection: no burst allowance, the same budget for every request of a keep-alive
 * connection (a response starts with an empty budget). GET and HEAD, {@code Range: bytes=A-B} / {@code A-}, ETag,
 * keep-alive. {@code GET /__sent} answers the body bytes written so far (all connections), so a harness can count what
 * a client fetched; {@code GET /__first} answers the time (milliseconds since the epoch, 0 for none) at which the first
 * request for the file arrived since the previous {@code /__first}, so a harness can tell how long a client took to
 * start.
 *
 * <p>Run: {@code java src-it/bench/ThrottledFileServer.java FILE PORT BYTES_PER_SECOND} (0: unlimited). Prints
 * {@code listening PORT} when ready.
 */
public final class ThrottledFileServer {
    private static final int SLICE = 16 * 1024;
    private static final AtomicLong SENT = new AtomicLong();
    private static final AtomicLong FIRST_REQUEST = new AtomicLong();

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        long rate = Long.parseLong(args[2]);
        long size = Files.size(file);
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(Files.getLastModifiedTime(file)
                .toMillis()) + "\"";
        try (ServerSocket server = new ServerSocket(port, 128, InetAddress.getLoopbackAddress())) {
            System.out.println("listening " + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket socket = server.accept();
                Thread thread = new Thread(() -> serve(socket, file, size, etag, rate));
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private static void serve(Socket socket, Path file, long size, String etag, long rate) {
        try (socket; RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[SLICE];
            while (true) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                long arrived = System.currentTimeMillis();
                String range = null;
                String header;
                while ((header = line(in)) != null && !header.isEmpty()) {
                    int colon = header.indexOf(':');
                    if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("range")) {
                        range = header.substring(colon + 1).trim();
                    }
                }
                String[] parts = requestLine.split(" ");
                boolean head = parts[0].equals("HEAD");
                if (parts.length > 1 && (parts[1].equals("/__sent") || parts[1].equals("/__first"))) {
                    long value = parts[1].equals("/__first") ? FIRST_REQUEST.getAndSet(0) : SENT.get();
                    byte[] body = (value + "\n").getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    continue;
                }
                FIRST_REQUEST.compareAndSet(0, arrived);
                long from = 0;
                long to = size - 1;
                String status = "200 OK";
                String extra = "";
                if (range != null && range.startsWith("bytes=") && !range.contains(",")) {
                    String spec = range.substring(6);
                    int dash = spec.indexOf('-');
                    from = Long.parseLong(spec.substring(0, dash).trim());
                    String end = spec.substring(dash + 1).trim();
                    to = end.isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(end));
                    status = "206 Partial Content";
                    extra = "Content-Range: bytes " + from + "-" + to + "/" + size + "\r\n";
                }
                long length = to - from + 1;
                out.write(("HTTP/1.1 " + status + "\r\nContent-Length: " + length + "\r\nAccept-Ranges: bytes\r\n"
                        + "ETag: " + etag + "\r\nContent-Type: application/octet-stream\r\n" + extra + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                if (head) {
                    out.flush();
                    continue;
                }
                raf.seek(from);
                long left = length;
                // the budget starts with each response: an idle keep-alive connection saves up no burst
                long connectionStart = System.nanoTime();
                long connectionSent = 0;
                while (left > 0) {
                    int n = raf.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (rate > 0) {
                        long due = connectionStart + (long) ((connectionSent + n) * 1e9 / rate);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    out.write(buffer, 0, n);
                    SENT.addAndGet(n);
                    connectionSent += n;
                    left -= n;
                }
                out.flush();
            }
        } catch (IOException | InterruptedException | RuntimeException closed) {
            // the client went away
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = out.length();
                return len > 0 && out.charAt(len - 1) == '\r' ? out.substring(0, len - 1) : out.toString();
            }
            out.append((char) c);
        }
        return out.length() == 0 ? null : out.toString().toLowerCase(Locale.ROOT);
    }
}
