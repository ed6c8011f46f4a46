package dev.modelredirect.demo;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's main job, semantic search: it loads sentence-transformers/all-MiniLM-L6-v2 on DJL's ONNX Runtime engine,
 * the model by its Hub URL ({@code Criteria.optModelUrls}) and the tokenizer by its Hub repository id, embeds the
 * bundled {@link Corpus}, and prints, for each query, the closest sentences with their cosine similarity.
 * {@code --tokenizer} also takes a local folder holding {@code tokenizer.json}.
 *
 * <pre>java -jar demo-app.jar [search] [--device auto|cpu|gpu] [--query TEXT]... [--top N] [--model URL]
 *     [--tokenizer ORG/NAME]</pre>
 */
public final class SemanticSearch {
    /** The model's ONNX export, where it lives on the Hub. */
    public static final String MODEL_URL =
            "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/onnx/model.onnx";
    /** The tokenizer's Hub repository. */
    public static final String TOKENIZER = "sentence-transformers/all-MiniLM-L6-v2";
    /** The queries asked when none is given. */
    public static final List<String> QUERIES = List.of("How do I change my password?",
            "Will it be wet on Saturday?", "Where can I buy a baguette?");

    private static final String NO_ALTERNATIVE = "ai.djl.onnx.disable_alternative";

    private SemanticSearch() {
    }

    /** Runs the job with its command-line arguments. */
    public static void run(String[] args) throws Exception {
        String url = MODEL_URL;
        String tokenizerId = TOKENIZER;
        String device = "auto";
        int top = 3;
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model": url = value(args, ++i); break;
                case "--tokenizer": tokenizerId = value(args, ++i); break;
                case "--device": device = value(args, ++i); break;
                case "--query": queries.add(value(args, ++i)); break;
                case "--top": top = count(value(args, ++i)); break;
                default:
                    throw new UsageException("unknown option '" + args[i] + "'; usage: demo-app [search] "
                            + "[--device auto|cpu|gpu] [--query TEXT]... [--top N] [--model URL] "
                            + "[--tokenizer ORG/NAME]");
            }
        }
        if (queries.isEmpty()) {
            queries = QUERIES;
        }
        // The pooling is plain Java (MeanPooling): ONNX Runtime needs no second engine, and without this DJL would load
        // the PyTorch engine on the class path (for the iris job) as its "alternative engine", unpacking libtorch.
        if (System.getProperty(NO_ALTERNATIVE) == null) {
            System.setProperty(NO_ALTERNATIVE, "true");
        }
        Engine engine = Engine.getEngine("OnnxRuntime");
        Devices.Choice choice = Devices.choose(device, engine);
        System.out.println("device: " + choice);

        long loadStart = System.nanoTime();
        Map<String, String> options = Map.of("padding", "false", "truncation", "true");
        Path tokenizerDir = Path.of(tokenizerId);
        try (HuggingFaceTokenizer tokenizer = Files.isDirectory(tokenizerDir)
                        ? HuggingFaceTokenizer.newInstance(tokenizerDir, options)
                        : HuggingFaceTokenizer.newInstance(tokenizerId, options);
                ZooModel<String, float[]> model = Criteria.builder()
                        .setTypes(String.class, float[].class)
                        .optModelUrls(url)
                        .optEngine("OnnxRuntime")
                        .optDevice(choice.device())
                        .optTranslator(new SentenceEmbedding(tokenizer))
                        .build()
                        .loadModel();
                Predictor<String, float[]> predictor = model.newPredictor()) {
            System.out.printf(Locale.ROOT, "model: %s (tokenizer %s), loaded in %.2f s%n", url, tokenizerId,
                    (System.nanoTime() - loadStart) / 1e9);

            List<String> corpus = Corpus.load();
            long embedStart = System.nanoTime();
            List<float[]> embeddings = new ArrayList<>();
            for (String sentence : corpus) {
                embeddings.add(predictor.predict(sentence));
            }
            System.out.printf(Locale.ROOT, "corpus: %d sentences embedded in %.2f s (%d dimensions)%n",
                    corpus.size(), (System.nanoTime() - embedStart) / 1e9, embeddings.get(0).length);
            for (String query : queries) {
                System.out.println();
                System.out.println("query: " + query);
                List<Ranking.Hit> hits = Ranking.rank(predictor.predict(query), embeddings, top);
                for (int rank = 0; rank < hits.size(); rank++) {
                    Ranking.Hit hit = hits.get(rank);
                    System.out.printf(Locale.ROOT, "  %d. %.4f  %s%n", rank + 1, hit.score(),
                            corpus.get(hit.index()));
                }
            }
        }
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new UsageException(args[index - 1] + " needs a value");
        }
        return args[index];
    }

    private static int count(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new UsageException("--top needs a positive whole number, not '" + text + "'");
    }
}
