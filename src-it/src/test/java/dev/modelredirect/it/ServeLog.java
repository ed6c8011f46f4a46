package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a {@code serve} child process prints: its loopback URL once it listens, and one log line per request. */
final class ServeLog {
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:\\d+");

    private ServeLog() {
    }

    /** The server's {@code http://127.0.0.1:PORT}, waiting up to a minute for it to listen. */
    static String endpoint(ChildJvm server) {
        Poll.until(Duration.ofSeconds(60), "the server prints its URL",
                () -> URL.matcher(server.stdout()).find() || !server.isAlive(), server::stderr);
        Matcher matcher = URL.matcher(server.stdout());
        assertThat(matcher.find()).as("server output:\n%s\n%s", server.stdout(), server.stderr()).isTrue();
        return matcher.group();
    }

    /** The requests the server has logged so far: one line each, naming its method. */
    static int requests(ChildJvm server) {
        return (int) server.stderr().lines().filter(l -> l.matches(".*\\b(GET|HEAD|POST) /.*")).count();
    }
}
