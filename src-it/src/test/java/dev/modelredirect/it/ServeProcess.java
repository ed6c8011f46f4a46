package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code serve} child process's first line: waiting for it, and the URL it names. */
final class ServeProcess {
    private static final Pattern FIRST_LINE = Pattern.compile(
            "^model-redirect: serving (.+) at (https?://127\\.0\\.0\\.1:\\d+)\\n");

    private ServeProcess() {
    }

    /** Waits until {@code serve} prints that it serves {@code store}; the URL it serves at. */
    static String awaitUrl(ChildJvm serve, Path store) {
        Poll.until(Duration.ofSeconds(30), "serve prints its URL", () -> FIRST_LINE.matcher(serve.stdout()).find()
                || !serve.isAlive(), () -> "stdout: " + serve.stdout() + "\nstderr: " + serve.stderr());
        Matcher matcher = FIRST_LINE.matcher(serve.stdout());
        assertThat(matcher.find()).as("first line of serve\nstdout: %s\nstderr: %s", serve.stdout(),
                serve.stderr()).isTrue();
        assertThat(matcher.group(1)).isEqualTo(store.toString());
        return matcher.group(2);
    }
}
