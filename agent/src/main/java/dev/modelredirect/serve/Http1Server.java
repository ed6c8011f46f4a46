package dev.modelredirect.serve;

import com.sun.net.httpserver.HttpHandler;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A small HTTP/1.1 server: one thread per connection, blocking I/O, persistent connections, TCP_NODELAY, file
 * bodies by {@code sendfile} on plain connections ({@link Http1Exchange#transferFrom}), TLS through the JDK's
 * {@link SSLServerSocket}. At most {@code maxConnections} connections are served at once; more wait in the listen
 * backlog until one closes. Handlers are the JDK's {@link HttpHandler}s. Chosen over {@code com.sun.net.httpserver}
 * (a selector thread handing every request to a pool) and Jetty 12 by measurement: see {@code docs/serve.md}.
 */
final class Http1Server implements Closeable {
    private final ServerSocketChannel plain;
    private final ServerSocket tls;
    private final HttpHandler handler;
    private final Semaphore slots;
    private final ExecutorService threads;
    private final Set<Http1Connection> open = ConcurrentHashMap.newKeySet();
    private final InetSocketAddress address;
    private final Thread acceptor;
    private volatile boolean stopping;

    private Http1Server(ServerSocketChannel plain, ServerSocket tls, HttpHandler handler, int maxConnections) {
        this.plain = plain;
        this.tls = tls;
        this.handler = handler;
        this.slots = new Semaphore(maxConnections);
        AtomicInteger ids = new AtomicInteger();
        // Unbounded: the slots bound the connections. A thread releases its slot just before it returns to the pool,
        // so a pool bounded at maxConnections would refuse the next connection in that instant.
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread thread = new Thread(r, "model-redirect-serve-" + ids.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.address = (InetSocketAddress) (plain != null ? plain.socket() : tls).getLocalSocketAddress();
        this.acceptor = new Thread(this::acceptAll, "model-redirect-serve-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Binds and starts accepting.
     *
     * @param context the TLS context, or null for plain HTTP
     */
    static Http1Server start(InetSocketAddress bind, SSLContext context, HttpHandler handler, int maxConnections,
            int backlog) throws IOException {
        Http1Server server;
        if (context == null) {
            ServerSocketChannel channel = ServerSocketChannel.open();
            try {
                channel.bind(bind, backlog);
            } catch (IOException ex) {
                channel.close();
                throw ex;
            }
            server = new Http1Server(channel, null, handler, maxConnections);
        } else {
            SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
            // TLS 1.2 and 1.3 only, whatever the JDK's defaults still allow
            socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            try {
                socket.bind(bind, backlog);
            } catch (IOException ex) {
                socket.close();
                throw ex;
            }
            server = new Http1Server(null, socket, handler, maxConnections);
        }
        server.acceptor.start();
        return server;
    }

    InetSocketAddress address() {
        return address;
    }

    boolean stopping() {
        return stopping;
    }

    void closed(Http1Connection connection) {
        if (open.remove(connection)) {
            slots.release();
        }
    }

    private void acceptAll() {
        while (!stopping) {
            try {
                slots.acquire();
            } catch (InterruptedException ex) {
                return;
            }
            Socket socket;
            SocketChannel channel = null;
            try {
                if (plain != null) {
                    channel = plain.accept();
                    socket = channel.socket();
                } else {
                    socket = tls.accept();
                }
            } catch (IOException ex) {
                slots.release();
                if (stopping) {
                    return;
                }
                pause(); // e.g. too many open files: try again shortly rather than spin
                continue;
            }
            Http1Connection connection = new Http1Connection(this, socket, channel, handler);
            open.add(connection);
            try {
                threads.execute(connection);
            } catch (RejectedExecutionException ex) {
                connection.abort();
                closed(connection);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting and closes every connection, running requests or not. Idempotent. */
    @Override
    public void close() {
        stopping = true;
        try {
            if (plain != null) {
                plain.close();
            } else {
                tls.close();
            }
        } catch (IOException ignored) {
            // closed
        }
        acceptor.interrupt();
        for (Http1Connection connection : open) {
            connection.abort();
        }
        threads.shutdownNow();
    }
}
