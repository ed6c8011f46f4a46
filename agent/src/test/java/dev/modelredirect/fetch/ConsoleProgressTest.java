package dev.modelredirect.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Feeds a download of {@code total} bytes in steps for a bit over {@code millis}. */
    private static void download(ConsoleProgress progress, String label, long total, long millis) throws Exception {
        long start = System.currentTimeMillis();
        long done = 0;
        while (System.currentTimeMillis() - start < millis) {
            done = Math.min(total, done + total / 100);
            progress.update(label, done, total);
            Thread.sleep(20);
        }
        progress.finished(label, true);
    }

    @Test
    void onATerminalALongDownloadDrawsABarInPlaceAndClearsItWhenDone() throws Exception {
        ConsoleProgress progress = new ConsoleProgress(out, true);
        download(progress, "hf://org/m@main/model.bin", 100L << 20, 1600);
        String text = printed();
        assertThat(text).contains("\r\033[K[").contains("#").contains("MiB/s").contains("model.bin")
                .doesNotContain("\n");
        assertThat(text).endsWith("\r\033[K");
    }

    @Test
    void withoutATerminalALargeDownloadGetsOneQuietLineAndNoBar() throws Exception {
        ConsoleProgress progress = new ConsoleProgress(out, false);
        download(progress, "hf://org/m@main/model.bin", 100L << 20, 1600);
        assertThat(printed()).isEqualTo("model-redirect: downloading hf://org/m@main/model.bin (100.0 MiB)\n");
    }

    @Test
    void aQuickOrSmallDownloadPrintsNothing() throws Exception {
        ConsoleProgress terminal = new ConsoleProgress(out, true);
        download(terminal, "quick", 100L << 20, 300);
        ConsoleProgress quiet = new ConsoleProgress(out, false);
        download(quiet, "small", 1 << 20, 1600);
        assertThat(printed()).isEmpty();
    }

    @Test
    void severalDownloadsAtOnceShareOneBarWithTotalsEtaAndTheCountOfFiles() throws Exception {
        ConsoleProgress progress = new ConsoleProgress(out, true);
        progress.update("small.json", 10, 10);
        progress.finished("small.json", true);
        long total = 100L << 20;
        long start = System.currentTimeMillis();
        for (long done = 0; System.currentTimeMillis() - start < 1600; done = Math.min(total, done + total / 100)) {
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
        for (long done = 0; System.currentTimeMillis() - start < 1300; done += 1 << 20) {
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
