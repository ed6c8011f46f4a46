package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import dev.modelredirect.testing.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastUseTest {
    @TempDir
    Path root;

    @Test
    void aRecordedSourceReadsBackAsUsedNow() {
        LastUse lastUse = new LastUse(root);
        assertThat(lastUse.of("hf://org/tiny")).isEmpty();
        Instant before = Instant.now();
        lastUse.record("hf://org/tiny");
        Instant after = Instant.now();
        // the first record creates the stamp, and the kernel stamps a new file from its coarse clock, up to a tick
        // (a few ms) behind Instant.now(); some file systems keep whole seconds only: a second of slack either way
        assertThat(lastUse.of("hf://org/tiny")).get().satisfies(t -> assertThat(t)
                .isBetween(before.truncatedTo(ChronoUnit.SECONDS).minusSeconds(1), after.plusSeconds(1)));
        assertThat(root.resolve(LastUse.FOLDER).resolve("hf%3A%2F%2Forg%2Ftiny")).isEmptyFile();
    }

    @Test
    void aSourceIsStampedAtMostOncePerInstance() throws Exception {
        LastUse lastUse = new LastUse(root);
        lastUse.record("hf://org/tiny");
        Path stamp = root.resolve(LastUse.FOLDER).resolve(LastUse.fileName("hf://org/tiny"));
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(stamp, old);
        lastUse.record("hf://org/tiny");
        assertThat(Files.getLastModifiedTime(stamp)).isEqualTo(old);
        new LastUse(root).record("hf://org/tiny");
        assertThat(Files.getLastModifiedTime(stamp)).isNotEqualTo(old);
    }

    @Test
    void stampNamesAreSafeAndBoundedWhateverTheSource() {
        for (String source : new String[] {"https://host/a/../b?x=1", "..", ".", "a\\b"}) {
            String name = LastUse.fileName(source);
            assertThat(name).doesNotContain("/").doesNotContain("\\").doesNotStartWith(".");
            assertThat(Path.of(name).getNameCount()).isEqualTo(1);
        }
        assertThat(LastUse.fileName(".hidden")).startsWith("%2E");
        String longSource = "https://host/" + "x".repeat(500);
        assertThat(LastUse.fileName(longSource)).hasSizeLessThanOrEqualTo(200)
                .isNotEqualTo(LastUse.fileName(longSource + "y"));
    }

    @Test
    void forgettingRemovesTheStamp() throws Exception {
        LastUse lastUse = new LastUse(root);
        lastUse.record("hf://org/tiny");
        lastUse.forget("hf://org/tiny");
        assertThat(lastUse.of("hf://org/tiny")).isEmpty();
    }

    @Test
    void everyResolutionOfAWritableStoreIsStampedAndAReadOnlyStoreIsNeverWritten() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            hub.model("org/tiny").file("config.json", Content.of("{}"), false);
            try (ModelStore store = TestStores.open(root, hub.endpoint())) {
                assertThat(store.resolve("hf://org/tiny/config.json").hit()).isFalse();
            }
            assertThat(new LastUse(root).of("hf://org/tiny/config.json")).isPresent();
            Path stamps = root.resolve(LastUse.FOLDER);
            try (Stream<Path> all = Files.list(stamps)) {
                all.forEach(p -> p.toFile().delete());
            }
            try (ModelStore store = TestStores.open(root, hub.endpoint())) {
                assertThat(store.resolve("hf://org/tiny/config.json").hit()).isTrue();
            }
            assertThat(new LastUse(root).of("hf://org/tiny/config.json")).isPresent();
            Files.delete(stamps.resolve(LastUse.fileName("hf://org/tiny/config.json")));
            try (ReadOnlyMount mount = ReadOnlyMount.of(root)) {
                try (ModelStore store = TestStores.offline(mount.path(), hub.endpoint())) {
                    assertThat(store.resolve("hf://org/tiny/config.json").hit()).isTrue();
                }
            }
            assertThat(new LastUse(root).of("hf://org/tiny/config.json")).isEmpty();
        }
    }
}
