package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.hub.RepoType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
    @TempDir
    Path dir;

    Pin.Hub hubPin = new Pin.Hub(RepoType.MODEL, "org/name", "main", "a".repeat(40),
            List.of(new PinnedFile("config.json", 2, "b".repeat(64), "c".repeat(40))));
    Pin.Url urlPin = new Pin.Url("https://h/m.zip", "https://cdn/m.zip", "\"e\"", null,
            List.of(new PinnedFile("url/h/m.zip", 9, "d".repeat(64), null)));

    private LockFile lockFile() {
        return new LockFile(dir.resolve("models.lock"), dir.resolve(".locks/lock"));
    }

    @Test
    void pinsRoundTripSortedBySource() throws Exception {
        LockFile lock = lockFile();
        assertThat(lock.put("https://h/m.zip", urlPin)).isTrue();
        assertThat(lock.put("hf://org/name", hubPin)).isTrue();
        assertThat(lock.put("hf://org/name", hubPin)).isFalse();
        LockFile reread = lockFile();
        assertThat(reread.get("hf://org/name")).isEqualTo(hubPin);
        assertThat(reread.get("https://h/m.zip")).isEqualTo(urlPin);
        assertThat(reread.all().keySet()).containsExactly("hf://org/name", "https://h/m.zip");
        String text = Files.readString(dir.resolve("models.lock"));
        assertThat(text).startsWith("{\n  \"version\": 1,").contains("\"commit\": \"" + "a".repeat(40) + "\"");
        assertThat(reread.remove("hf://org/name")).isTrue();
        assertThat(lockFile().get("hf://org/name")).isNull();
    }

    @Test
    void twoWritersBothKeepTheirPins() throws Exception {
        LockFile first = lockFile();
        LockFile second = lockFile();
        first.get("x");
        second.get("x");
        first.put("hf://org/name", hubPin);
        second.put("https://h/m.zip", urlPin);
        assertThat(lockFile().all()).containsOnlyKeys("hf://org/name", "https://h/m.zip");
    }

    @Test
    void aReaderSeesAnotherWritersPinOfTheSameSizeWrittenInTheSameClockTick() throws Exception {
        Path path = dir.resolve("models.lock");
        LockFile reader = lockFile();
        LockFile writer = lockFile();
        Pin.Hub moved = new Pin.Hub(RepoType.MODEL, "org/name", "main", "b".repeat(40), hubPin.files());
        reader.put("hf://org/name", hubPin);
        java.nio.file.attribute.FileTime readerWrote = Files.getLastModifiedTime(path);
        long readerSize = Files.size(path);
        writer.put("hf://org/name", moved);
        assertThat(Files.size(path)).as("a moved pin (another 40-hex commit) keeps the size").isEqualTo(readerSize);
        // file systems stamp with a coarse clock (a tick of a few ms): both writes in one tick, as often happens
        Files.setLastModifiedTime(path, readerWrote);
        assertThat(reader.get("hf://org/name")).isEqualTo(moved);
    }

    @Test
    void pinsThatWouldNameAPlaceOutsideTheStoreMakeTheLockFileInvalid() throws Exception {
        List<Pin> hostile = List.of(
                new Pin.Hub(RepoType.MODEL, "org/name", "main", "../../../../victim", hubPin.files()),
                new Pin.Hub(RepoType.MODEL, "../name", "main", "a".repeat(40), hubPin.files()),
                new Pin.Hub(RepoType.MODEL, "org/name", "../../x", "a".repeat(40), hubPin.files()),
                new Pin.Hub(RepoType.MODEL, "org/name", "main", "a".repeat(40),
                        List.of(new PinnedFile("../../../etc/passwd", 2, "b".repeat(64), "c".repeat(40)))),
                new Pin.Hub(RepoType.MODEL, "org/name", "main", "a".repeat(40),
                        List.of(new PinnedFile("/etc/passwd", 2, "b".repeat(64), "c".repeat(40)))),
                new Pin.Hub(RepoType.MODEL, "org/name", "main", "a".repeat(40),
                        List.of(new PinnedFile("config.json", 2, "b".repeat(64), "../../blobs/x"))),
                new Pin.Url("https://h/m.zip", null, null, null,
                        List.of(new PinnedFile("hub/models--org--name/blobs/x", 9, "d".repeat(64), null))),
                new Pin.Hub(RepoType.MODEL, "org/name", "main", "a".repeat(40), hubPin.files(),
                        new FileFilter(List.of("*.json\u001b[2J"), List.of())),
                new Pin.Hub(RepoType.MODEL, "org/name", "main", "a".repeat(40), hubPin.files(),
                        new FileFilter(java.util.Collections.nCopies(101, "*"), List.of())));
        for (Pin pin : hostile) {
            Files.deleteIfExists(dir.resolve("models.lock"));
            lockFile().put("hf://org/name", pin);
            assertThatThrownBy(() -> lockFile().get("hf://org/name")).as("%s", pin)
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("the lock file " + dir.resolve("models.lock") + " is not valid")
                    .hasMessageContaining("source 'hf://org/name'")
                    .hasMessageContaining("restore it from version control");
        }
    }

    @Test
    void djlPinsRoundTripAndHostileOnesMakeTheLockFileInvalid() throws Exception {
        PinnedFile archive = new PinnedFile("zoo/model/nlp/text_embedding/ai/djl/g/org/name/0.0.1/name.zip", 9,
                "d".repeat(64), null);
        Pin.Djl djl = new Pin.Djl("ai.djl.g", "org/name", "nlp/text_embedding", "0.0.1", List.of(archive));
        lockFile().put("djl://ai.djl.g/org/name", djl);
        assertThat(lockFile().get("djl://ai.djl.g/org/name")).isEqualTo(djl);
        List<Pin> hostile = List.of(
                new Pin.Djl("../..", "org/name", null, null, List.of(archive)),
                new Pin.Djl("ai.djl.g", "../../x", null, null, List.of(archive)),
                new Pin.Djl("ai.djl.g", "org/name", "../../x", null, List.of(archive)),
                new Pin.Djl("ai.djl.g", "org/name", null, "../1", List.of(archive)),
                new Pin.Djl("ai.djl.g", "org/name", null, null,
                        List.of(new PinnedFile("zoo/model/../../hub/x", 9, "d".repeat(64), null))),
                new Pin.Djl("ai.djl.g", "org/name", null, null,
                        List.of(new PinnedFile("url/h/m.zip", 9, "d".repeat(64), null))),
                new Pin.Djl("ai.djl.g", "org/name", null, null,
                        List.of(new PinnedFile("zoo/model//x", 9, "d".repeat(64), null))));
        for (Pin pin : hostile) {
            Files.deleteIfExists(dir.resolve("models.lock"));
            lockFile().put("djl://ai.djl.g/org/name", pin);
            assertThatThrownBy(() -> lockFile().get("djl://ai.djl.g/org/name")).as("%s", pin)
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("is not valid").hasMessageContaining("source 'djl://ai.djl.g/org/name'");
        }
    }

    @Test
    void aBrokenLockFileIsReportedWithWhatToDo() throws Exception {
        Files.writeString(dir.resolve("models.lock"), "{ not json");
        assertThatThrownBy(() -> lockFile().get("x")).isInstanceOf(StoreException.class)
                .hasMessageContaining(dir.resolve("models.lock").toString())
                .hasMessageContaining("restore it from version control");
    }

    @Test
    void aNewerFormatIsRefusedWithAnUpgradeHint() throws Exception {
        Files.writeString(dir.resolve("models.lock"), "{\"version\": 2, \"sources\": {}}");
        assertThatThrownBy(() -> lockFile().get("x")).hasMessageContaining("upgrade");
    }

    @Test
    void includeAndExcludePatternsRoundTripAndAnythingButStringsIsRefused() throws Exception {
        Pin.Hub filtered = new Pin.Hub(RepoType.MODEL, "org/name", "main", "a".repeat(40), hubPin.files(),
                new FileFilter(List.of("*.json"), List.of("onnx/")));
        lockFile().put("hf://org/name", filtered);
        assertThat(lockFile().get("hf://org/name")).isEqualTo(filtered);
        assertThat(Files.readString(dir.resolve("models.lock"))).contains("\"include\": [", "\"exclude\": [");

        Files.writeString(dir.resolve("models.lock"), Files.readString(dir.resolve("models.lock"))
                .replace("\"onnx/\"", "{\"x\": 1}"));
        assertThatThrownBy(() -> lockFile().get("hf://org/name")).isInstanceOf(StoreException.class)
                .hasMessageContaining("'exclude' holds");
    }
}
