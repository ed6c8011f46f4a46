package dev.modelredirect.fetch;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a request again and how long to wait: exponential backoff with full jitter, a cap per wait, a cap on
 * attempts and on the total time spent waiting, and the server's {@code Retry-After} honoured (within the caps).
 *
 * <p>Retryable: connection errors and timeouts (decided by the caller), and the statuses 408, 429 and 5xx.
 *
 * @param maxAttempts  attempts in all, the first included
 * @param baseDelay    the first backoff step
 * @param maxDelay     the longest single wait
 * @param maxTotalWait the most time spent waiting across all attempts of one request
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxTotalWait) {

    /** The defaults: 6 attempts, 0.5 s doubling to at most 20 s, 2 minutes of waiting in all. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(20), Duration.ofMinutes(2));

    /** Whether a response status is worth another attempt. */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
    }

    /**
     * How long to wait before attempt {@code attempt + 1}, given that attempt {@code attempt} (1-based) failed.
     *
     * @param retryAfter the response's {@code Retry-After} header, or null
     */
    public Duration delayAfter(int attempt, String retryAfter) {
        Duration fromServer = parseRetryAfter(retryAfter);
        if (fromServer != null) {
            return fromServer.compareTo(maxDelay) > 0 ? maxDelay : fromServer;
        }
        long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() * (1L << Math.min(attempt - 1, 20)));
        long jittered = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        return Duration.ofMillis(jittered);
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    static Duration parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(when.getZone()), when);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
