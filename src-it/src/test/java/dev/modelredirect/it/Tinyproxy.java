package dev.modelredirect.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's tinyproxy, started in the foreground on a free port of 127.0.0.1 with Basic authentication, for the
 * length of a test. Missing tinyproxy skips the test on a developer machine and fails it on CI ({@code CI} set, or
 * {@code -Dit.requireTinyproxy=true}, which {@code .ci/run} passes).
 */
final class Tinyproxy implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/tinyproxy");
    private final Process process;
    private final int port;
    private final Path dir;

    private Tinyproxy(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts one that accepts {@code user:password} only. */
    static Tinyproxy start(Path dir, String user, String password) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            boolean ci = System.getenv("CI") != null || Boolean.getBoolean("it.requireTinyproxy");
            if (ci) {
                throw new AssertionError("tinyproxy is missing on CI: .ci/run installs it (apt-get install "
                        + "tinyproxy)");
            }
            Assumptions.abort("tinyproxy is not installed (apt-get install tinyproxy; .ci/run does it)");
        }
        Files.createDirectories(dir);
        dir.toFile().setWritable(true, false);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path conf = dir.resolve("tinyproxy.conf");
        Files.writeString(conf, String.join("\n",
                "User nobody",
                "Group nogroup",
                "Port " + port,
                "Listen 127.0.0.1",
                "Timeout 60",
                "LogFile \"" + dir.resolve("tinyproxy.log") + "\"",
                "LogLevel Connect",
                "MaxClients 50",
                "Allow 127.0.0.1",
                "BasicAuth " + user + " " + password,
                "DisableViaHeader Yes",
                ""));
        Process process = new ProcessBuilder(BINARY.toString(), "-d", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("tinyproxy.out").toFile()).start();
        Tinyproxy proxy = new Tinyproxy(process, port, dir);
        Poll.until(Duration.ofSeconds(20), "tinyproxy listens on 127.0.0.1:" + port, proxy::listening,
                proxy::log);
        return proxy;
    }

    int port() {
        return port;
    }

    private boolean listening() {
        if (!process.isAlive()) {
            throw new AssertionError("tinyproxy exited: " + log());
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    String log() {
        StringBuilder out = new StringBuilder();
        for (String name : new String[] {"tinyproxy.out", "tinyproxy.log"}) {
            try {
                out.append(name).append(":\n").append(Files.readString(dir.resolve(name))).append('\n');
            } catch (IOException ignored) {
                // not written
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
