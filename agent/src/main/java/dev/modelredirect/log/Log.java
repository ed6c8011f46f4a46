package dev.modelredirect.log;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The product's only voice: prefixed lines on standard error at a chosen level.
 *
 * <p>Never touches the host application's logging framework. Thread-safe: each call prints one whole line.
 */
public final class Log {
    /** How much to say. */
    public enum Level {
        QUIET, INFO, DEBUG;

        /** Parses {@code quiet}, {@code info} or {@code debug}; null when the word is none of them. */
        public static Level parse(String word) {
            for (Level level : values()) {
                if (level.name().equalsIgnoreCase(word.trim())) {
                    return level;
                }
            }
            return null;
        }
    }

    private static final String PREFIX = "model-redirect: ";
    private static volatile Level level = Level.INFO;
    private static volatile PrintStream out = System.err;

    private Log() {
    }

    public static void setLevel(Level newLevel) {
        level = newLevel;
    }

    public static Level level() {
        return level;
    }

    /** Redirects output; for the CLI's tests and embedding. */
    public static void setOutput(PrintStream stream) {
        out = stream;
    }

    public static PrintStream output() {
        return out;
    }

    /** A line always printed, whatever the level: warnings and errors. */
    public static void warn(String format, Object... args) {
        print(format, args);
    }

    /** A line printed at {@code info} and {@code debug}. */
    public static void info(String format, Object... args) {
        if (level != Level.QUIET) {
            print(format, args);
        }
    }

    /** A line printed at {@code debug} only. */
    public static void debug(String format, Object... args) {
        if (level == Level.DEBUG) {
            print(format, args);
        }
    }

    public static boolean isDebug() {
        return level == Level.DEBUG;
    }

    private static void print(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        PrintStream stream = out;
        synchronized (stream) {
            stream.println(PREFIX + text);
            stream.flush();
        }
    }
}
