package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamedLocksTest {
    @TempDir
    Path dir;

    @Test
    void threadsHoldingTheSameNameRunOneAtATime() throws Exception {
        Path name = dir.resolve(".locks/x.lock");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(6);
        for (int i = 0; i < 6; i++) {
            new Thread(() -> {
                try (NamedLocks.Held held = NamedLocks.acquire(name, "test")) {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.sleep(20);
                    inside.decrementAndGet();
                } catch (Exception ex) {
                    throw new RuntimeException(ex);
                } finally {
                    done.countDown();
                }
            }).start();
        }
        done.await();
        assertThat(maxInside.get()).isEqualTo(1);
        assertThat(name).exists();
    }

    @Test
    void aLockThatCannotBeCreatedIsSkippedNotFatal() throws Exception {
        Path impossible = Path.of("/proc/model-redirect-cannot-create/x.lock");
        try (NamedLocks.Held held = NamedLocks.acquire(impossible, "test")) {
            assertThat(held).isNotNull();
        }
    }

    @Test
    void tryAcquireTakesAFreeLockWithoutCreatingItsFile() throws Exception {
        Path lock = dir.resolve("never-used.lock");
        try (NamedLocks.Held held = NamedLocks.tryAcquire(lock)) {
            assertThat(held).isNotNull();
        }
        assertThat(lock).doesNotExist();
    }

    @Test
    void tryAcquireAnswersNullWhileAnotherThreadHoldsTheLockAndTakesItAfterwards() throws Exception {
        Path lock = dir.resolve("busy.lock");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (NamedLocks.Held h = NamedLocks.acquire(lock, "test")) {
                held.countDown();
                release.await();
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        holder.start();
        held.await();
        assertThat(NamedLocks.tryAcquire(lock)).isNull();
        release.countDown();
        holder.join();
        try (NamedLocks.Held again = NamedLocks.tryAcquire(lock)) {
            assertThat(again).isNotNull();
        }
    }
}
