package dev.modelredirect.it.apps;

import java.lang.reflect.Method;
import java.util.Locale;

/**
 * {@code SpringAiEmbedProbe MODEL TOKENIZER TEXT}: Spring AI's {@code TransformersEmbeddingModel} as an application
 * sets it up ({@code setModelResource(MODEL)}, {@code setTokenizerResource(TOKENIZER)}, the word {@code default}
 * keeping Spring AI's own default, then {@code afterPropertiesSet()}), then prints {@code dimensions TAB N} and
 * {@code embedding TAB [v0, v1, v2, v3]} of TEXT. Spring AI is reached by reflection: this module does not compile
 * against it; its jars are on the child's class path only.
 */
public final class SpringAiEmbedProbe {
    private SpringAiEmbedProbe() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName("org.springframework.ai.transformers.TransformersEmbeddingModel");
        Object model = type.getConstructor().newInstance();
        if (!args[0].equals("default")) {
            type.getMethod("setModelResource", String.class).invoke(model, args[0]);
        }
        if (!args[1].equals("default")) {
            type.getMethod("setTokenizerResource", String.class).invoke(model, args[1]);
        }
        type.getMethod("afterPropertiesSet").invoke(model);
        Method embed = type.getMethod("embed", String.class);
        float[] vector = (float[]) embed.invoke(model, args[2]);
        System.out.println("dimensions\t" + vector.length);
        System.out.println("embedding\t" + head(vector));
    }

    /** The first four values with five decimals: equal across runs of one model on one machine. */
    static String head(float[] vector) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < Math.min(4, vector.length); i++) {
            out.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.5f", vector[i]));
        }
        return out.append("]").toString();
    }
}
