package dev.modelredirect.agent;

import dev.modelredirect.config.Config;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.StoreStatistics;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@link ModelStoreMXBean} of a running agent: reads the statistics of the store the hooks opened (all zero
 * before), and the configuration the agent started with. Reading an attribute never opens the store.
 */
final class ModelStoreStatus implements ModelStoreMXBean {
    private static final StoreStatistics NOTHING_YET = new StoreStatistics();

    private final Config config;
    private final List<String> hooks;
    private final Supplier<? extends Collection<String>> installed;
    private final Supplier<ModelStore> store;

    /**
     * @param config    the agent's configuration
     * @param hooks     the hooks selected
     * @param installed the hooks installed so far
     * @param store     the store once opened, else null
     */
    ModelStoreStatus(Config config, List<String> hooks, Supplier<? extends Collection<String>> installed,
            Supplier<ModelStore> store) {
        this.config = config;
        this.hooks = List.copyOf(hooks);
        this.installed = installed;
        this.store = store;
    }

    private StoreStatistics statistics() {
        ModelStore opened = store.get();
        return opened == null ? NOTHING_YET : opened.statistics();
    }

    @Override
    public long getHits() {
        return statistics().hits();
    }

    @Override
    public long getMisses() {
        return statistics().misses();
    }

    @Override
    public long getFailures() {
        return statistics().failures();
    }

    @Override
    public long getBytesDownloaded() {
        return statistics().bytesDownloaded();
    }

    @Override
    public String getStorePath() {
        ModelStore opened = store.get();
        return (opened != null ? opened.root() : config.store().toAbsolutePath().normalize()).toString();
    }

    @Override
    public String getLockFile() {
        return config.lockfile().toAbsolutePath().normalize().toString();
    }

    @Override
    public String getEndpoint() {
        return config.endpoint();
    }

    @Override
    public boolean isOffline() {
        return config.offline();
    }

    @Override
    public boolean isStoreOpen() {
        return store.get() != null;
    }

    @Override
    public String[] getHooks() {
        return hooks.stream().map(dev.modelredirect.hooks.HookCatalog::reportedName).distinct()
                .toArray(String[]::new);
    }

    @Override
    public String[] getInstalledHooks() {
        return installed.get().stream().map(dev.modelredirect.hooks.HookCatalog::reportedName).distinct().sorted()
                .toArray(String[]::new);
    }

    @Override
    public ResolutionInfo[] getLastResolutions() {
        return statistics().lastResolutions().stream()
                .map(last -> new ResolutionInfo(last.source(), last.outcome(), last.path() == null ? "" : last.path(),
                        last.bytes(), last.millis(), Instant.ofEpochMilli(last.epochMillis()).toString(),
                        last.error() == null ? "" : last.error()))
                .toArray(ResolutionInfo[]::new);
    }
}
