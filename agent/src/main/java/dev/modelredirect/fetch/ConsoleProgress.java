package dev.modelredirect.fetch;

import dev.modelredirect.log.Sizes;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Download progress on standard error: a bar redrawn in place when stderr is a terminal, else a quiet line when a
 * large download starts and one every {@link #QUIET_INTERVAL_NANOS} while it runs. Downloads shorter than a moment
 * print nothing. Several downloads at once share one bar.
 */
public final class ConsoleProgress implements ProgressListener {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long QUIET_INTERVAL_NANOS = 15_000_000_000L;
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final long QUIET_START_BYTES = 64L << 20;

    private final PrintStream out;
    private final boolean terminal;
    private final Map<String, Progress> active = new ConcurrentHashMap<>();
    private long lastDraw;
    private boolean drawn;

    private static final class Progress {
        final long started = System.nanoTime();
        volatile long done;
        volatile long total;
        long lastQuietLine;
        boolean announced;
    }

    public ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Progress on this process's stderr, as a bar when stderr is a terminal. */
    public static ConsoleProgress stderr() {
        return new ConsoleProgress(System.err, isStderrTerminal());
    }

    /** Whether file descriptor 2 is a terminal (Linux: a tty device; elsewhere: a console is attached). */
    public static boolean isStderrTerminal() {
        try {
            Path fd = Path.of("/proc/self/fd/2");
            if (Files.exists(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return System.console() != null;
    }

    @Override
    public void update(String label, long done, long total) {
        Progress progress = active.computeIfAbsent(label, l -> new Progress());
        progress.done = done;
        progress.total = total;
        long now = System.nanoTime();
        synchronized (this) {
            if (now - lastDraw < REDRAW_NANOS || now - progress.started < SHOW_AFTER_NANOS) {
                return;
            }
            lastDraw = now;
            if (terminal) {
                drawBar(now);
            } else {
                quietLine(label, progress, now);
            }
        }
    }

    @Override
    public void finished(String label, boolean success) {
        active.remove(label);
        synchronized (this) {
            if (terminal && drawn) {
                out.print("\r\033[K");
                out.flush();
                drawn = false;
                if (!active.isEmpty()) {
                    drawBar(System.nanoTime());
                }
            }
        }
    }

    private void quietLine(String label, Progress progress, long now) {
        if (!progress.announced) {
            if (progress.total >= 0 && progress.total < QUIET_START_BYTES) {
                return;
            }
            progress.announced = true;
            progress.lastQuietLine = now;
            out.println("model-redirect: downloading " + label + " ("
                    + (progress.total >= 0 ? Sizes.human(progress.total) : "size unknown") + ")");
            return;
        }
        if (now - progress.lastQuietLine >= QUIET_INTERVAL_NANOS) {
            progress.lastQuietLine = now;
            out.println("model-redirect: " + label + ": " + percent(progress.done, progress.total) + " ("
                    + Sizes.human(progress.done) + ")");
        }
    }

    private void drawBar(long now) {
        long done = 0;
        long total = 0;
        boolean unknown = false;
        String first = null;
        long started = now;
        for (Map.Entry<String, Progress> entry : active.entrySet()) {
            Progress p = entry.getValue();
            done += p.done;
            if (p.total < 0) {
                unknown = true;
            } else {
                total += p.total;
            }
            if (first == null) {
                first = entry.getKey();
            }
            started = Math.min(started, p.started);
        }
        if (first == null) {
            return;
        }
        int width = 24;
        int filled = unknown || total == 0 ? 0 : (int) Math.min(width, done * width / total);
        double seconds = Math.max(0.001, (now - started) / 1e9);
        String rate = Sizes.human((long) (done / seconds)) + "/s";
        String name = first.length() > 40 ? "..." + first.substring(first.length() - 37) : first;
        String more = active.size() > 1 ? " (+" + (active.size() - 1) + " more)" : "";
        String line = String.format(Locale.ROOT, "[%s%s] %s %s%s %s %s%s", "#".repeat(filled),
                ".".repeat(width - filled), unknown ? "" : percent(done, total), Sizes.human(done),
                unknown ? "" : " of " + Sizes.human(total), rate, name, more);
        out.print("\r\033[K" + line);
        out.flush();
        drawn = true;
    }

    private static String percent(long done, long total) {
        return total > 0 ? (done * 100 / total) + "%" : "?%";
    }
}
