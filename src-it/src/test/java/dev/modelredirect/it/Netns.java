package dev.modelredirect.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Running a child in an empty network namespace ({@code unshare -n}: only a loopback interface, and it is down). */
public final class Netns {
    /** The command prefix. */
    public static final List<String> EMPTY = List.of("unshare", "-n");
    /** Why a test is skipped when the prefix does not work here. */
    public static final String REASON = "`unshare -n true` fails here (needs root or user namespaces): the run "
            + "without any network is skipped";

    private static Boolean available;

    private Netns() {
    }

    /** Whether {@code unshare -n} works on this machine (checked once, running {@code unshare -n true} in folder). */
    public static synchronized boolean available(Path folder) {
        if (available == null) {
            try {
                available = ChildJvm.program(folder, "unshare", "-n", "true").run(Duration.ofSeconds(30)).code() == 0;
            } catch (RuntimeException | AssertionError ex) {
                available = false;
            }
        }
        return available;
    }
}
