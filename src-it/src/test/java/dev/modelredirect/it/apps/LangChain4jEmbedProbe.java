package dev.modelredirect.it.apps;

/**
 * {@code LangChain4jEmbedProbe MODEL TOKENIZER TEXT}: LangChain4j's {@code new OnnxEmbeddingModel(MODEL, TOKENIZER,
 * PoolingMode.MEAN)} (the {@code String} paths constructor), then prints {@code dimensions TAB N} and
 * {@code embedding TAB [v0, v1, v2, v3]} of TEXT. Reached by reflection: LangChain4j is on the child's class path only.
 */
public final class LangChain4jEmbedProbe {
    private LangChain4jEmbedProbe() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> modelType = Class.forName("dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Enum> pooling = (Class<Enum>) Class.forName("dev.langchain4j.model.embedding.onnx.PoolingMode");
        Object model = modelType.getConstructor(String.class, String.class, pooling)
                .newInstance(args[0], args[1], Enum.valueOf(pooling, "MEAN"));
        Object response = modelType.getMethod("embed", String.class).invoke(model, args[2]);
        Object embedding = response.getClass().getMethod("content").invoke(response);
        float[] vector = (float[]) embedding.getClass().getMethod("vector").invoke(embedding);
        System.out.println("dimensions\t" + vector.length);
        System.out.println("embedding\t" + SpringAiEmbedProbe.head(vector));
    }
}
