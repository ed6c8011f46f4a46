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

/**
 * A loopback TCP forwarder that counts the connections made to it: put in front of a server, it proves that a client
 * opened no connection at all (not merely that it sent no HTTP request).
 */
public final class ConnectionCounter implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final AtomicInteger accepted = new AtomicInteger();
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
                pump(client.getInputStream(), upstream.getOutputStream(), upstream);
                pump(upstream.getInputStream(), client.getOutputStream(), client);
            } catch (IOException ex) {
                // closed, or the upstream refused: the count is what matters
            }
        }
    }

    private static void pump(InputStream from, OutputStream to, Socket toSocket) {
        Thread thread = new Thread(() -> {
            try (from; to) {
                from.transferTo(to);
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
