package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.io.IOException;
import java.nio.file.Path;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreStatisticsTest {
    @TempDir
    Path root;

    @Test
    void aStoreCountsAMissWithItsBytesThenHitsThenAFailure() throws Exception {
        Content weights = Content.synthetic(4000, 7);
        try (FakeHub hub = new FakeHub(); ModelStore store = TestStores.open(root, hub.endpoint())) {
            hub.model("org/m").lfs("model.bin", weights);
            store.resolve("hf://org/m/model.bin");
            store.resolve("hf://org/m/model.bin");
            store.resolve("hf://org/m/model.bin");
            Assertions.assertThatThrownBy(() -> store.resolve("hf://org/absent/x.bin")).isInstanceOf(IOException.class);

            StoreStatistics statistics = store.statistics();
            assertThat(statistics.misses()).isEqualTo(1);
            assertThat(statistics.hits()).isEqualTo(2);
            assertThat(statistics.failures()).isEqualTo(1);
            assertThat(statistics.bytesDownloaded()).isEqualTo(weights.size());
            assertThat(statistics.lastResolutions()).extracting(StoreStatistics.Last::source)
                    .containsExactlyInAnyOrder("hf://org/m/model.bin", "hf://org/absent/x.bin");
            StoreStatistics.Last last = statistics.lastResolutions().stream()
                    .filter(l -> l.source().equals("hf://org/m/model.bin")).findFirst().orElseThrow();
            assertThat(last.outcome()).isEqualTo("hit");
            assertThat(last.bytes()).isZero();
            assertThat(last.path()).endsWith("model.bin");
        }
    }

    @Test
    void aSourceThatCannotBeParsedCountsAsAFailureWithItsMessage() {
        try (ModelStore store = TestStores.offline(root, "http://127.0.0.1:9")) {
            Assertions.assertThatThrownBy(() -> store.resolve("ftp://nope")).isInstanceOf(StoreException.class);
            assertThat(store.statistics().failures()).isEqualTo(1);
            assertThat(store.statistics().lastResolutions()).singleElement()
                    .satisfies(l -> assertThat(l.error()).isNotBlank());
        }
    }

    @Test
    void onlyTheMostRecentSourcesAreRemembered() {
        StoreStatistics statistics = new StoreStatistics();
        for (int i = 0; i < StoreStatistics.MAX_SOURCES + 10; i++) {
            statistics.failed("source-" + i, new IOException("x"), 0);
        }
        assertThat(statistics.lastResolutions()).hasSize(StoreStatistics.MAX_SOURCES);
        assertThat(statistics.failures()).isEqualTo(StoreStatistics.MAX_SOURCES + 10);
    }
}
