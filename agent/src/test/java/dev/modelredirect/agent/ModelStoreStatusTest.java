package dev.modelredirect.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.config.ConfigLoader;
import dev.modelredirect.config.Config;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreStatusTest {
    @TempDir
    Path root;

    @Test
    void beforeTheStoreIsOpenedItShowsTheConfigurationAndZeros() {
        Config config = ConfigLoader.load(Map.of("store", root.toString(), "offline", "true"), "test");
        ModelStoreStatus status = new ModelStoreStatus(config, List.of("djl-repository"), Set::of, () -> null);
        assertThat(status.isStoreOpen()).isFalse();
        assertThat(status.getHits()).isZero();
        assertThat(status.getStorePath()).isEqualTo(root.toString());
        assertThat(status.isOffline()).isTrue();
        assertThat(status.getLastResolutions()).isEmpty();
    }

    @Test
    void asAnMXBeanItShowsPlainOpenTypesOfTheLiveStore() throws Exception {
        Config config = ConfigLoader.load(Map.of("store", root.toString()), "test");
        AtomicReference<ModelStore> opened = new AtomicReference<>();
        ModelStoreStatus status = new ModelStoreStatus(config, List.of("djl-repository", "djl-cache"),
                () -> Set.of("djl-repository"), opened::get);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.modelredirect.test:type=ModelStore");
        server.registerMBean(new StandardMBean(status, ModelStoreMXBean.class, true), name);
        try (FakeHub hub = new FakeHub(); ModelStore store = TestStores.open(root, hub.endpoint())) {
            Content model = Content.synthetic(1500, 3);
            hub.model("org/m").lfs("m.bin", model);
            opened.set(store);
            store.resolve("hf://org/m/m.bin");
            store.resolve("hf://org/m/m.bin");
            assertThat(server.getAttribute(name, "Misses")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "Hits")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "BytesDownloaded")).isEqualTo(model.size());
            assertThat((String[]) server.getAttribute(name, "InstalledHooks")).containsExactly("djl-repository");
            assertThat((String[]) server.getAttribute(name, "Hooks")).containsExactly("djl-repository", "djl-cache");
            CompositeData[] last = (CompositeData[]) server.getAttribute(name, "LastResolutions");
            assertThat(last).singleElement().satisfies(item -> {
                assertThat(item.get("source")).isEqualTo("hf://org/m/m.bin");
                assertThat(item.get("outcome")).isEqualTo("hit");
                assertThat((String) item.get("time")).endsWith("Z");
            });
        } finally {
            server.unregisterMBean(name);
        }
    }
}
