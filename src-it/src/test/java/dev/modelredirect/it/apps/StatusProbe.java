package dev.modelredirect.it.apps;

import ai.djl.repository.Repository;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code StatusProbe DIR URL}: a running DJL application to read the agent's MBean from. Asks DJL for URL twice
 * ({@code Repository.newInstance}), creates {@code DIR/ready}, waits for {@code DIR/again}, asks once more, creates
 * {@code DIR/done}, and waits for {@code DIR/stop} (at most two minutes in all).
 */
public final class StatusProbe {
    private StatusProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        for (int i = 0; i < 2; i++) {
            System.out.println("base\t" + Repository.newInstance("probe", args[1]).getBaseUri());
        }
        Files.writeString(dir.resolve("ready"), "ready\n");
        await(dir.resolve("again"));
        System.out.println("base\t" + Repository.newInstance("probe", args[1]).getBaseUri());
        Files.writeString(dir.resolve("done"), "done\n");
        await(dir.resolve("stop"));
    }

    private static void await(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(file + " did not appear within 120 s");
            }
            Thread.sleep(20);
        }
    }
}
