package dev.modelredirect.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A really read-only view of a folder for tests: a read-only bind mount when the test runs as root (as in CI), else
 * the folder with write permission removed (which the owner's process honours). Skips the test, saying why, when
 * neither can be made.
 */
public final class ReadOnlyMount implements AutoCloseable {
    private final Path view;
    private final boolean mounted;
    private final Path source;

    private ReadOnlyMount(Path view, boolean mounted, Path source) {
        this.view = view;
        this.mounted = mounted;
        this.source = source;
    }

    /** A read-only view of {@code source}; the mount point is made beside it. */
    public static ReadOnlyMount of(Path source) throws IOException, InterruptedException {
        if ("root".equals(System.getProperty("user.name"))) {
            Path mountPoint = Files.createTempDirectory(source.getParent(), "ro-view");
            if (run("mount", "--bind", source.toString(), mountPoint.toString())
                    && run("mount", "-o", "remount,ro,bind", mountPoint.toString())) {
                return new ReadOnlyMount(mountPoint, true, source);
            }
            run("umount", mountPoint.toString());
            Assumptions.abort("running as root, but a read-only bind mount could not be made here "
                    + "(mount --bind refused), and root ignores file permissions: no read-only store to test");
        }
        setWritable(source, false);
        return new ReadOnlyMount(source, false, source);
    }

    public Path path() {
        return view;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            run("umount", view.toString());
            Files.deleteIfExists(view);
        } else {
            setWritable(source, true);
        }
    }

    private static void setWritable(Path dir, boolean writable) throws IOException {
        try (var all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    p.toFile().setWritable(writable, false);
                }
            }
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
