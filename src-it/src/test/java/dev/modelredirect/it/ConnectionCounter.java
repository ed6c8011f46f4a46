package dev.modelredirect.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP forwarder that counts the connections made to it, and the bytes the server sent back: put in front
 * of a server, it proves that a client opened no connection at all (not merely that it sent no HTTP request), or
 * measures what crossed the link.
 */
public final class ConnectionCounter implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong bytesFromTarget = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** Starts forwarding every connection to {@code targetPort} on the loopback address. */
    public ConnectionCounter(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptAll, "connection-counter");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code http://127.0.0.1:PORT}, the address clients should use. */
    public String url() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Bytes the server behind sent back through this forwarder so far (HTTP headers and bodies). */
    public long bytesFromTarget() {
        return bytesFromTarget.get();
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.get();
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                sockets.add(client);
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException refused) {
                    client.close(); // nothing behind: the client sees the connection closed, not a hang
                    continue;
                }
                sockets.add(upstream);
                pump(client.getInputStream(), upstream.getOutputStream(), upstream, null);
                pump(upstream.getInputStream(), client.getOutputStream(), client, bytesFromTarget);
            } catch (IOException ex) {
                // closed, or the upstream refused: the count is what matters
            }
        }
    }

    private static void pump(InputStream from, OutputStream to, Socket toSocket, AtomicLong counted) {
        Thread thread = new Thread(() -> {
            try (from; to) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    to.write(buffer, 0, n);
                    if (counted != null) {
                        counted.addAndGet(n);
                    }
                }
            } catch (IOException ignored) {
                // one side closed
            } finally {
                try {
                    toSocket.shutdownOutput();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "connection-counter-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
