package dev.modelredirect.it.apps;

import ai.djl.repository.Repository;
import ai.djl.util.Utils;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code AttachProbe READY GO URL}: a running application with DJL loaded. Uses DJL once on a local folder (so its
 * classes are loaded and initialised), prints {@code before TAB cache dir}, creates the file READY, waits until the
 * file GO exists, then prints {@code base TAB Repository.newInstance("probe", URL).getBaseUri()} and
 * {@code cacheDir TAB Utils.getCacheDir()}.
 */
public final class AttachProbe {
    private AttachProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path ready = Path.of(args[0]);
        Path go = Path.of(args[1]);
        Repository warm = Repository.newInstance("warm", ready.getParent().toString());
        System.out.println("before\t" + warm.getBaseUri() + "\t" + Utils.getCacheDir());
        System.out.flush();
        Files.writeString(ready, "ready\n");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(go + " did not appear within 120 s");
            }
            Thread.sleep(20);
        }
        System.out.println("base\t" + Repository.newInstance("probe", args[2]).getBaseUri());
        System.out.println("cacheDir\t" + Utils.getCacheDir());
    }
}
