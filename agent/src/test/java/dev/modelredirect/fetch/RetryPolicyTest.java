package dev.modelredirect.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(1));

    @Test
    void onlyTimeoutThrottlingAndServerErrorsAreRetryable() {
        assertThat(RetryPolicy.isRetryableStatus(408)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(429)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(503)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(404)).isFalse();
        assertThat(RetryPolicy.isRetryableStatus(401)).isFalse();
    }

    @Test
    void backoffGrowsWithJitterAndIsCapped() {
        for (int attempt = 1; attempt <= 10; attempt++) {
            long ceiling = Math.min(2000, 100L << (attempt - 1));
            for (int i = 0; i < 50; i++) {
                long delay = policy.delayAfter(attempt, null).toMillis();
                assertThat(delay).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void retryAfterInSecondsOrAsADateIsHonouredWithinTheCap() {
        assertThat(policy.delayAfter(1, "1")).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(1, "3600")).isEqualTo(Duration.ofSeconds(2));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(1));
        assertThat(policy.delayAfter(1, date)).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(RetryPolicy.parseRetryAfter("soon")).isNull();
    }
}
