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
 * print nothing. Several downloads at once share one bar: the files of one session (from the first download after a
 * pause to the last), with their total bytes, rate, time left and count of files done.
 */
public final class ConsoleProgress implements ProgressListener {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long QUIET_INTERVAL_NANOS = 15_000_000_000L;
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final long QUIET_START_BYTES = 64L << 20;
    /** A pause longer than this between downloads starts a new session (new counts on the bar). */
    private static final long SESSION_GAP_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final Map<String, Progress> active = new ConcurrentHashMap<>();
    private long lastDraw;
    private boolean drawn;
    private long sessionStart;
    private long idleSince;
    private int filesStarted;
    private int filesFinished;
    private long finishedBytes;

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
        Progress progress = active.get(label);
        if (progress == null) {
            progress = start(label);
        }
        progress.done = done;
        progress.total = total;
        long now = System.nanoTime();
        synchronized (this) {
            long shownAfter = terminal ? sessionStart : progress.started;
            if (now - lastDraw < REDRAW_NANOS || now - shownAfter < SHOW_AFTER_NANOS) {
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

    /**
     * Erases the bar, when one is drawn, so that a line can be printed to the same terminal (a result on stdout); the
     * next update draws it again below that line.
     */
    public synchronized void clear() {
        if (terminal && drawn) {
            out.print("\r\033[K");
            out.flush();
            drawn = false;
        }
    }

    /** A new download: counted in the current session, or the first of a new one after a pause. */
    private synchronized Progress start(String label) {
        Progress progress = active.get(label);
        if (progress != null) {
            return progress;
        }
        long now = System.nanoTime();
        if (active.isEmpty() && (filesStarted == 0 || now - idleSince > SESSION_GAP_NANOS)) {
            sessionStart = now;
            filesStarted = 0;
            filesFinished = 0;
            finishedBytes = 0;
        }
        filesStarted++;
        progress = new Progress();
        active.put(label, progress);
        return progress;
    }

    @Override
    public void finished(String label, boolean success) {
        synchronized (this) {
            Progress progress = active.remove(label);
            if (progress != null) {
                filesFinished++;
                finishedBytes += progress.done;
                if (active.isEmpty()) {
                    idleSince = System.nanoTime();
                }
            }
            boolean redraw = terminal && drawn && !active.isEmpty();
            clear();
            if (redraw) {
                drawBar(System.nanoTime());
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
        long done = finishedBytes;
        long total = finishedBytes;
        boolean unknown = false;
        String first = null;
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
        }
        if (first == null) {
            return;
        }
        int width = 24;
        int filled = unknown || total == 0 ? 0 : (int) Math.min(width, done * width / total);
        double seconds = Math.max(0.001, (now - sessionStart) / 1e9);
        double perSecond = done / seconds;
        String rate = Sizes.human((long) perSecond) + "/s";
        String eta = unknown || perSecond < 1 ? "" : " ETA " + duration((long) ((total - done) / perSecond));
        String files = filesStarted > 1 ? String.format(Locale.ROOT, " %d/%d files", filesFinished, filesStarted)
                : "";
        String name = first.length() > 40 ? "..." + first.substring(first.length() - 37) : first;
        String more = active.size() > 1 ? " (+" + (active.size() - 1) + " more)" : "";
        String line = String.format(Locale.ROOT, "[%s%s] %s %s%s %s%s%s %s%s", "#".repeat(filled),
                ".".repeat(width - filled), unknown ? "" : percent(done, total), Sizes.human(done),
                unknown ? "" : " of " + Sizes.human(total), rate, eta, files, name, more);
        out.print("\r\033[K" + line);
        out.flush();
        drawn = true;
    }

    /** {@code 42s}, {@code 3m05s}, {@code 1h02m}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    private static String percent(long done, long total) {
        return total > 0 ? (done * 100 / total) + "%" : "?%";
    }
}
