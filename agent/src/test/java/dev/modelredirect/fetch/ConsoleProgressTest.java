package dev.modelredirect.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * The progress display shows after a second and redraws every 200 ms, by the wall clock: a loop of a fixed length
     * sees a draw only if the thread is not stalled around the one-second mark (a GC pause or a busy CI machine can
     * take a few hundred ms). The loops below therefore go on, up to this long, until what they wait for is printed.
     */
    private static final long STALL_ALLOWANCE_MILLIS = 10_000;

    private final BooleanSupplier drawn = () -> !printed().isEmpty();

    /** Feeds a download of {@code total} bytes in steps for a bit over {@code millis}. */
    private static void download(ConsoleProgress progress, String label, long total, long millis) throws Exception {
        download(progress, label, total, millis, () -> true);
    }

    /** Same, going on (a while) after {@code millis} until {@code until} holds. */
    private static void download(ConsoleProgress progress, String label, long total, long millis,
            BooleanSupplier until) throws Exception {
        long start = System.currentTimeMillis();
        long done = 0;
        while (waiting(start, millis, until)) {
            done = Math.min(total, done + total / 100);
            progress.update(label, done, total);
            Thread.sleep(20);
        }
        progress.finished(label, true);
    }

    private static boolean waiting(long start, long millis, BooleanSupplier until) {
        long elapsed = System.currentTimeMillis() - start;
        return elapsed < millis || (elapsed < millis + STALL_ALLOWANCE_MILLIS && !until.getAsBoolean());
    }

    @Test
    void onATerminalALongDownloadDrawsABarInPlaceAndClearsItWhenDone() throws Exception {
        ConsoleProgress progress = new ConsoleProgress(out, true);
        download(progress, "hf://org/m@main/model.bin", 100L << 20, 1600, () -> printed().contains("#"));
        String text = printed();
        assertThat(text).contains("\r\033[K[").contains("#").contains("MiB/s").contains("model.bin")
                .doesNotContain("\n");
        assertThat(text).endsWith("\r\033[K");
    }

    @Test
    void withoutATerminalALargeDownloadGetsOneQuietLineAndNoBar() throws Exception {
        ConsoleProgress progress = new ConsoleProgress(out, false);
        download(progress, "hf://org/m@main/model.bin", 100L << 20, 1600, drawn);
        assertThat(printed()).isEqualTo("model-redirect: downloading hf://org/m@main/model.bin (100.0 MiB)\n");
    }

    @Test
    void aQuickOrSmallDownloadPrintsNothing() throws Exception {
        ConsoleProgress quiet = new ConsoleProgress(out, false);
        download(quiet, "small", 1 << 20, 1600);
        assertThat(printed()).isEmpty();
        ConsoleProgress terminal = new ConsoleProgress(out, true);
        long start = System.nanoTime();
        download(terminal, "quick", 100L << 20, 300);
        long millis = (System.nanoTime() - start) / 1_000_000;
        // a thread stalled past the one-second mark makes the quick download a long one, which rightly draws
        Assumptions.assumeTrue(millis < 900, "the 300 ms download took " + millis + " ms");
        assertThat(printed()).isEmpty();
    }

    @Test
    void severalDownloadsAtOnceShareOneBarWithTotalsEtaAndTheCountOfFiles() throws Exception {
        ConsoleProgress progress = new ConsoleProgress(out, true);
        progress.update("small.json", 10, 10);
        progress.finished("small.json", true);
        long total = 100L << 20;
        long start = System.currentTimeMillis();
        for (long done = 0; waiting(start, 1600, drawn); done = Math.min(total, done + total / 100)) {
            progress.update("a.bin", done, total);
            progress.update("b.bin", done, total);
            Thread.sleep(20);
        }
        String text = printed();
        assertThat(text).contains(" of 200.0 MiB").contains(" ETA ").contains(" 1/3 files ").contains("(+1 more)")
                .doesNotContain("\n");
        progress.finished("a.bin", true);
        progress.finished("b.bin", true);
        assertThat(printed()).endsWith("\r\033[K");
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertThat(ConsoleProgress.duration(42)).isEqualTo("42s");
        assertThat(ConsoleProgress.duration(185)).isEqualTo("3m05s");
        assertThat(ConsoleProgress.duration(3720)).isEqualTo("1h02m");
    }

    @Test
    void clearErasesADrawnBarSoThatALineCanBePrintedAndTheNextUpdateDrawsItAgain() throws Exception {
        ConsoleProgress progress = new ConsoleProgress(out, true);
        progress.clear();
        assertThat(printed()).as("nothing drawn, nothing erased").isEmpty();
        long start = System.currentTimeMillis();
        for (long done = 0; waiting(start, 1300, drawn); done += 1 << 20) {
            progress.update("a.bin", done, 100L << 20);
            Thread.sleep(20);
        }
        int drawnAt = printed().length();
        assertThat(drawnAt).isPositive();
        progress.clear();
        assertThat(printed().substring(drawnAt)).isEqualTo("\r\033[K");
        Thread.sleep(250);
        progress.update("a.bin", 90L << 20, 100L << 20);
        assertThat(printed().substring(drawnAt + 4)).startsWith("\r\033[K[").contains("90.0 MiB");
    }
}
