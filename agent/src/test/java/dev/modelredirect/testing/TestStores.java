package dev.modelredirect.testing;

import dev.modelredirect.config.Secret;
import dev.modelredirect.fetch.FileDownloader;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.fetch.RetryPolicy;
import dev.modelredirect.store.ModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Stores for tests: fast retries, small chunks so that the parallel path runs on small files. */
public final class TestStores {
    /** Retries in milliseconds, so failure tests stay fast. */
    public static final RetryPolicy FAST_RETRY =
            new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(5));

    /** 64 KiB chunks from 128 KiB on, 3 connections. */
    public static final FileDownloader.Settings SMALL_CHUNKS = new FileDownloader.Settings(64 << 10, 3, 128 << 10);

    private TestStores() {
    }

    public static ModelStore.Options options(Path root, String endpoint) {
        return new ModelStore.Options(root, root.resolve("models.lock"), endpoint, Optional.empty(), false,
                FAST_RETRY, SMALL_CHUNKS, ProgressListener.NONE);
    }

    public static ModelStore open(Path root, String endpoint) {
        return new ModelStore(options(root, endpoint));
    }

    public static ModelStore offline(Path root, String endpoint) {
        ModelStore.Options o = options(root, endpoint);
        return new ModelStore(new ModelStore.Options(o.root(), o.lockfile(), o.endpoint(), o.token(), true,
                o.retry(), o.downloads(), o.progress()));
    }

    public static ModelStore withToken(Path root, String endpoint, String token) {
        ModelStore.Options o = options(root, endpoint);
        return new ModelStore(new ModelStore.Options(o.root(), o.lockfile(), o.endpoint(),
                Optional.of(new Secret(token, "test")), false, o.retry(), o.downloads(), o.progress()));
    }
}
