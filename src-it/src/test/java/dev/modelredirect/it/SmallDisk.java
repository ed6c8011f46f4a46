package dev.modelredirect.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A file system of a few MiB for disk-full tests: a tmpfs mounted on a fresh scratch folder (root only), unmounted on
 * close. Where it cannot be mounted (not root, no mount permission in a container) the test is skipped, saying why.
 */
final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** A {@code mebibytes} MiB tmpfs at the scratch folder {@code name}. */
    static SmallDisk mount(String name, int mebibytes) throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "disk-full tests mount a small tmpfs, "
                + "which needs root; running as " + System.getProperty("user.name"));
        Path dir = Scratch.fresh(name);
        String output = run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m,mode=0755", "tmpfs", dir.toString());
        Assumptions.assumeTrue(output == null, () -> "disk-full tests need a small tmpfs, and `mount -t tmpfs` "
                + "failed here: " + output);
        return new SmallDisk(dir);
    }

    Path path() {
        return mountPoint;
    }

    /** Bytes this process may still write there. */
    long free() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String output = run("umount", "-l", mountPoint.toString());
        if (output != null) {
            throw new IOException("umount " + mountPoint + " failed: " + output);
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out";
        }
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output.strip();
    }
}
