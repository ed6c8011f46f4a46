package dev.modelredirect.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SafePathsTest {
    @Test
    void plainRelativePathsAreSafe() {
        assertThat(SafePaths.isSafe("config.json")).isTrue();
        assertThat(SafePaths.isSafe("onnx/model.onnx")).isTrue();
        assertThat(SafePaths.isSafe("a..b/c.d")).isTrue();
    }

    @Test
    void everyEscapeIsRefused() {
        for (String attack : new String[] {"../x", "a/../../x", "..", ".", "a/./b", "/etc/passwd", "\\\\server\\share",
                "//server/share", "C:\\Windows", "c:/x", "a\\..\\b", "a//b", "a/", "", "a\0b", "a\nb",
                "x".repeat(256)}) {
            assertThat(SafePaths.isSafe(attack)).as(attack).isFalse();
        }
    }

    @Test
    void resolveNamesWhatWasRefused() {
        assertThatThrownBy(() -> SafePaths.resolve(Path.of("/store"), "../../etc/passwd", "file path"))
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("refused file path '../../etc/passwd'")
                .hasMessageContaining("'..' segment");
    }
}
