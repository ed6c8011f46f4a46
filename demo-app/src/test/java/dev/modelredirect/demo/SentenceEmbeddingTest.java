package dev.modelredirect.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's embeddings of all-MiniLM-L6-v2 (DJL, ONNX Runtime, {@link SentenceEmbedding}) against LangChain4j's
 * embedding model of the same files, an independent implementation of the same mean pooling and normalisation: the
 * same vectors for every sentence of the corpus.
 */
class SentenceEmbeddingTest {
    @TempDir
    static Path files;

    @Test
    void theDemoEmbedsEverySentenceAsAnIndependentImplementationDoes() throws Exception {
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
        Path model = copy("all-minilm-l6-v2.onnx", "model.onnx");
        copy("all-minilm-l6-v2-tokenizer.json", "tokenizer.json");
        // DJL's engine first: it sets ONNX Runtime's process-wide environment up, which LangChain4j then shares
        Engine.getEngine("OnnxRuntime");
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(files,
                        Map.of("padding", "false", "truncation", "true"));
                ZooModel<String, float[]> zoo = Criteria.builder().setTypes(String.class, float[].class)
                        .optModelPath(model).optEngine("OnnxRuntime")
                        .optTranslator(new SentenceEmbedding(tokenizer)).build().loadModel();
                Predictor<String, float[]> predictor = zoo.newPredictor()) {
            List<String> sentences = Corpus.load();
            assertThat(sentences).hasSize(12);
            for (String sentence : sentences) {
                float[] ours = predictor.predict(sentence);
                float[] theirs = reference.embed(sentence).content().vector();
                assertThat(ours).as(sentence).hasSize(384);
                assertThat(Ranking.cosine(ours, theirs)).as(sentence).isCloseTo(1.0, within(1e-5));
                assertThat(Ranking.cosine(ours, ours)).isCloseTo(1.0, within(1e-6));
                double norm = 0;
                for (float v : ours) {
                    norm += v * v;
                }
                assertThat(Math.sqrt(norm)).as("unit length").isCloseTo(1.0, within(1e-5));
            }
        }
    }

    private static Path copy(String resource, String name) throws IOException {
        Path target = files.resolve(name);
        try (InputStream in = AllMiniLmL6V2EmbeddingModel.class.getResourceAsStream("/" + resource)) {
            assertThat(in).as(resource + " in the LangChain4j jar").isNotNull();
            Files.copy(in, target);
        }
        return target;
    }
}
