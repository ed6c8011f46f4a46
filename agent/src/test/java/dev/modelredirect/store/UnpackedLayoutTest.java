package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackedLayoutTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsSixteenHexDigitsOfThePathAndSize() throws Exception {
        Path file = Files.writeString(dir.resolve("model.zip"), "zip bytes");
        String key = UnpackedLayout.key(file);
        assertThat(key).matches("[0-9a-f]{16}").isEqualTo(UnpackedLayout.key(file));
        Files.writeString(file, "other zip bytes");
        assertThat(UnpackedLayout.key(file)).as("a file of another size").isNotEqualTo(key);
        Path other = Files.writeString(dir.resolve("other.zip"), "zip bytes");
        assertThat(UnpackedLayout.key(other)).as("another file").isNotEqualTo(key);
    }
}
