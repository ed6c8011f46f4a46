package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FileFilterTest {
    @Test
    void includePatternsKeepOnlyTheirMatchesAndExcludesThenDrop() {
        FileFilter filter = new FileFilter(List.of("*.json", "onnx/*"), List.of("onnx/*_fp16.onnx"));
        assertThat(filter.matches("config.json")).isTrue();
        assertThat(filter.matches("sub/tokenizer.json")).as("* crosses /, as fnmatch does").isTrue();
        assertThat(filter.matches("onnx/model.onnx")).isTrue();
        assertThat(filter.matches("onnx/model_fp16.onnx")).isFalse();
        assertThat(filter.matches("model.safetensors")).isFalse();
    }

    @Test
    void withoutIncludeEveryPathNotExcludedIsKept() {
        FileFilter filter = new FileFilter(List.of(), List.of("*.bin", "*.h5"));
        assertThat(filter.matches("model.safetensors")).isTrue();
        assertThat(filter.matches("pytorch_model.bin")).isFalse();
        assertThat(FileFilter.ALL.matches("anything")).isTrue();
    }

    @Test
    void aTrailingSlashMeansTheWholeFolderAndSetsAndSingleCharactersWork() {
        assertThat(FileFilter.glob("onnx/", "onnx/a/b.onnx")).isTrue();
        assertThat(FileFilter.glob("model-0000[1-2].bin", "model-00002.bin")).isTrue();
        assertThat(FileFilter.glob("model-0000[!1].bin", "model-00001.bin")).isFalse();
        assertThat(FileFilter.glob("?.txt", "a.txt")).isTrue();
        assertThat(FileFilter.glob("a.(b)+", "a.(b)+")).as("regex characters are literal").isTrue();
        assertThat(FileFilter.glob("*.JSON", "a.json")).as("case matters").isFalse();
    }

    @Test
    void controlCharactersAndTooManyPatternsAreProblems() {
        assertThat(new FileFilter(List.of("a\u0000b"), List.of()).problem()).contains("control");
        assertThat(new FileFilter(java.util.Collections.nCopies(101, "*"), List.of()).problem()).contains("100");
        assertThat(new FileFilter(List.of(""), List.of()).problem()).contains("empty");
        assertThat(new FileFilter(List.of("*.json"), List.of("x/")).problem()).isNull();
    }
}
