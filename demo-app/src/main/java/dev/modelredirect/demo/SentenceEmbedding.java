package dev.modelredirect.demo;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.PairList;
import java.util.HashSet;
import java.util.Set;

/**
 * A DJL translator from a sentence to its embedding with a BERT-style ONNX model: the tokenizer's ids, attention mask
 * and token types go in (those of them the model declares, by name), the token embeddings come out, and
 * {@link MeanPooling} makes the sentence embedding.
 */
public final class SentenceEmbedding implements NoBatchifyTranslator<String, float[]> {
    private static final String MASK = "attention_mask";
    private final HuggingFaceTokenizer tokenizer;
    private Set<String> inputs;

    public SentenceEmbedding(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public void prepare(TranslatorContext ctx) {
        PairList<String, Shape> described = ctx.getModel().describeInput();
        inputs = described == null ? Set.of("input_ids", MASK, "token_type_ids") : new HashSet<>(described.keys());
    }

    @Override
    public NDList processInput(TranslatorContext ctx, String sentence) {
        Encoding encoding = tokenizer.encode(sentence);
        ctx.setAttachment(MASK, encoding.getAttentionMask());
        NDManager manager = ctx.getNDManager();
        NDList list = new NDList();
        add(list, manager, "input_ids", encoding.getIds());
        add(list, manager, MASK, encoding.getAttentionMask());
        add(list, manager, "token_type_ids", encoding.getTypeIds());
        return list;
    }

    private void add(NDList list, NDManager manager, String name, long[] values) {
        if (inputs.contains(name)) {
            NDArray array = manager.create(values, new Shape(1, values.length));
            array.setName(name);
            list.add(array);
        }
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList output) {
        NDArray tokens = output.get(0);
        long[] mask = (long[]) ctx.getAttachment(MASK);
        int dimensions = (int) tokens.getShape().get(tokens.getShape().dimension() - 1);
        return MeanPooling.pool(tokens.toFloatArray(), mask, dimensions);
    }
}
