package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.files.UnsafePathException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ZooLayoutTest {
    private final ZooLayout layout = new ZooLayout(Path.of("/store/zoo"));

    @Test
    void aDjlUrlIsSplitAsDjlSplitsIt() throws Exception {
        Source.Djl plain = ZooLayout.parse("djl://ai.djl.huggingface.onnxruntime/sentence-transformers/all-MiniLM-L6-v2");
        assertThat(plain.group()).isEqualTo("ai.djl.huggingface.onnxruntime");
        assertThat(plain.artifact()).isEqualTo("sentence-transformers/all-MiniLM-L6-v2");
        assertThat(plain.version()).isNull();
        assertThat(plain.key()).isEqualTo("djl://ai.djl.huggingface.onnxruntime/sentence-transformers/all-MiniLM-L6-v2");

        Source.Djl versioned = ZooLayout.parse("djl://ai.djl.pytorch/resnet/0.0.1/traced_resnet18");
        assertThat(versioned.artifact()).isEqualTo("resnet");
        assertThat(versioned.version()).isEqualTo("0.0.1");
        assertThat(versioned.key()).isEqualTo("djl://ai.djl.pytorch/resnet");

        Source.Djl index = ZooLayout.parse("djl://ai.djl.pytorch");
        assertThat(index.artifact()).isNull();
        assertThat(index.key()).isEqualTo("djl://ai.djl.pytorch");
    }

    @Test
    void aSourceThatWouldLeaveTheZooFolderIsRefusedNamingTheForm() {
        for (String bad : new String[] {"djl://../x/y", "djl://ai.djl/../../etc", "djl://ai.djl/a/./b", "djl://",
                "djl://ai..djl/x", "djl://ai.djl/a%2F..%2Fb"}) {
            assertThatThrownBy(() -> ZooLayout.parse(bad)).as(bad).isInstanceOf(StoreException.class)
                    .hasMessageContaining("djl://GROUP/ARTIFACT");
        }
    }

    @Test
    void repositoryPathsAreCanonicalAndStayUnderTheZooFolder() throws Exception {
        assertThat(ZooLayout.checkedPath("model/nlp/x/a//metadata.json")).isEqualTo("model/nlp/x/a/metadata.json");
        assertThat(ZooLayout.checkedPath("/model/nlp/x/a/")).isEqualTo("model/nlp/x/a");
        assertThat(layout.file("model/nlp/x/a/0.0.1/a.zip")).isEqualTo(Path.of("/store/zoo/model/nlp/x/a/0.0.1/a.zip"));
        for (String bad : new String[] {"model/../../etc/passwd", "hub/models--a--b/blobs/x", "model/a\\..\\b",
                "model/a?b", "model/a#b", "model/%2e%2e/x", "", "model/a\u0000b"}) {
            assertThatThrownBy(() -> layout.file(bad)).as(bad).isInstanceOf(UnsafePathException.class)
                    .hasMessageContaining("refused DJL repository path");
        }
    }

    @Test
    void theIndexAndModelFoldersFollowDjlsRepositoryLayout() {
        assertThat(ZooLayout.indexPath("nlp/text_embedding", "ai.djl.huggingface.onnxruntime"))
                .isEqualTo("model/nlp/text_embedding/ai/djl/huggingface/onnxruntime/models.json.gz");
        assertThat(ZooLayout.modelFolder("nlp/text_embedding", "ai.djl.huggingface.onnxruntime", "org/name"))
                .isEqualTo("model/nlp/text_embedding/ai/djl/huggingface/onnxruntime/org/name/");
    }
}
