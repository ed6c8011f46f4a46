package dev.modelredirect.demo;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The demo's PyTorch-engine job: it names the Iris classifier by a Hub URL, loads it with {@code Criteria.optModelUrls},
 * and classifies the 30 held-out Iris flowers in batches. It prints the device, the load time, the latency per batch
 * and the throughput (warm-up excluded), the predictions and the accuracy.
 *
 * <pre>java -jar demo-app.jar iris [--model URL] [--device auto|cpu|gpu] [--hidden N] [--batches N]</pre>
 */
public final class IrisDemo {
    /** Where the demo model lives on the Hub. */
    public static final String DEFAULT_MODEL =
            "https://huggingface.co/model-redirect/iris-mlp/resolve/main/iris-mlp.zip";

    private IrisDemo() {
    }

    /** Runs the job with the command-line arguments that follow {@code iris}. */
    public static void run(String[] args) throws Exception {
        String url = DEFAULT_MODEL;
        String device = "auto";
        int hidden = IrisModel.DEFAULT_HIDDEN;
        int batches = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model": url = args[++i]; break;
                case "--device": device = args[++i]; break;
                case "--hidden": hidden = Integer.parseInt(args[++i]); break;
                case "--batches": batches = Integer.parseInt(args[++i]); break;
                default:
                    throw new UsageException("unknown option '" + args[i] + "'; usage: demo-app iris [--model URL] "
                            + "[--device auto|cpu|gpu] [--hidden N] [--batches N]");
            }
        }
        Engine engine = Engine.getEngine("PyTorch");
        Devices.Choice choice = Devices.choose(device, engine);
        Device chosen = choice.device();
        System.out.println("device: " + choice);

        long loadStart = System.nanoTime();
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelUrls(url)
                .optBlock(IrisModel.block(hidden))
                .optEngine("PyTorch")
                .optDevice(chosen)
                .optTranslator(new NoopTranslator())
                .build();
        IrisData test = IrisData.load().test();
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor();
                NDManager manager = NDManager.newBaseManager(chosen)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            System.out.printf(Locale.ROOT, "model: %s, loaded in %.3f s%n", url, loadSeconds);
            NDArray input = manager.create(test.flatFeatures(), new Shape(test.size(), 4));
            long[] classes = classify(predictor, input);
            for (int i = 0; i < 5; i++) {
                classify(predictor, input);
            }
            long[] nanos = new long[batches];
            for (int i = 0; i < batches; i++) {
                long start = System.nanoTime();
                classify(predictor, input);
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            double total = Arrays.stream(nanos).sum() / 1e9;
            System.out.printf(Locale.ROOT, "latency per batch of %d: median %.3f ms, p90 %.3f ms; throughput %.0f "
                    + "samples/s (%d batches, warm-up excluded)%n", test.size(), nanos[batches / 2] / 1e6,
                    nanos[(int) (batches * 0.9)] / 1e6, test.size() * batches / total, batches);
            int[] labels = test.labels();
            List<String> predicted = new ArrayList<>();
            int correct = 0;
            for (int i = 0; i < classes.length; i++) {
                predicted.add(IrisData.SPECIES.get((int) classes[i]));
                correct += classes[i] == labels[i] ? 1 : 0;
            }
            System.out.println("predictions: " + String.join(",", predicted));
            System.out.printf(Locale.ROOT, "accuracy: %.4f (%d of %d held-out flowers)%n",
                    (double) correct / classes.length, correct, classes.length);
        }
    }

    private static long[] classify(Predictor<NDList, NDList> predictor, NDArray input) throws Exception {
        NDList output = predictor.predict(new NDList(input));
        return output.singletonOrThrow().argMax(1).toLongArray();
    }
}
