package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinCheckTest {
    @TempDir
    Path root;

    @Test
    void eachPinnedFileIsPresentMissingOrOfAnotherSizeWithoutAnyConnection() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            String commit = hub.model("org/m").file("a.json", "{}").lfs("b.bin", Content.synthetic(2000, 1))
                    .file("c.txt", "c").commit();
            try (ModelStore store = TestStores.open(root, hub.endpoint())) {
                store.resolve("hf://org/m");
            }
            Path snapshot = root.resolve("hub/models--org--m/snapshots/" + commit);
            Files.delete(snapshot.resolve("a.json"));
            Files.write(snapshot.resolve("b.bin").toRealPath(), new byte[5]);
            hub.clearRequests();
            try (ModelStore store = TestStores.offline(root, hub.endpoint())) {
                List<PinCheck.Entry> entries = PinCheck.check(store);
                assertThat(entries).extracting(e -> e.file().path() + "=" + e.state())
                        .containsExactly("a.json=MISSING", "b.bin=WRONG_SIZE", "c.txt=PRESENT");
                assertThat(entries.get(2).path()).isEqualTo(snapshot.resolve("c.txt"));
            }
            assertThat(hub.requests()).isEmpty();
        }
    }
}
