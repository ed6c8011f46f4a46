package dev.modelredirect.demo;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds the demo model reproducibly: trains the {@link IrisModel} on the 120 training samples of {@link IrisData}
 * (full batch, Adam, fixed seed, one thread), measures its accuracy on the 30 held-out samples, and writes
 * {@code OUT/iris-mlp.zip} holding {@code iris-mlp-0000.params} and {@code model.json} (width, epochs, accuracy).
 *
 * <pre>java -cp demo-app.jar dev.modelredirect.demo.TrainIris --out DIR [--hidden N] [--epochs N]</pre>
 *
 * <p>{@code --hidden 8192 --epochs 5} makes a model of 268 MB of parameters, for download and throughput measurements.
 */
public final class TrainIris {
    private TrainIris() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("demo-model");
        int hidden = IrisModel.DEFAULT_HIDDEN;
        int epochs = 300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out": out = Path.of(args[++i]); break;
                case "--hidden": hidden = Integer.parseInt(args[++i]); break;
                case "--epochs": epochs = Integer.parseInt(args[++i]); break;
                default:
                    System.err.println("usage: TrainIris --out DIR [--hidden N] [--epochs N]");
                    System.exit(2);
            }
        }
        Path zip = train(out, hidden, epochs);
        System.out.println(zip);
    }

    /** Trains and writes the model archive; returns its path. */
    public static Path train(Path out, int hidden, int epochs) throws IOException {
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(20261123);
        IrisData data = IrisData.load();
        IrisData training = data.training();
        IrisData test = data.test();
        Path work = Files.createDirectories(out.resolve(IrisModel.NAME));
        double accuracy;
        try (Model model = Model.newInstance(IrisModel.NAME, "PyTorch")) {
            model.setBlock(IrisModel.block(hidden));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                NDManager manager = trainer.getManager();
                trainer.initialize(new Shape(training.size(), 4));
                NDArray x = manager.create(training.flatFeatures(), new Shape(training.size(), 4));
                NDArray y = manager.create(training.labels()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                for (int epoch = 0; epoch < epochs; epoch++) {
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDList predictions = trainer.forward(new NDList(x));
                        NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
                        collector.backward(loss);
                    }
                    trainer.step();
                }
                NDArray testX = manager.create(test.flatFeatures(), new Shape(test.size(), 4));
                NDArray predicted = trainer.evaluate(new NDList(testX)).singletonOrThrow().argMax(1);
                long[] classes = predicted.toLongArray();
                int correct = 0;
                int[] labels = test.labels();
                for (int i = 0; i < classes.length; i++) {
                    correct += classes[i] == labels[i] ? 1 : 0;
                }
                accuracy = (double) correct / classes.length;
            }
            model.save(work, IrisModel.NAME);
        }
        String json = String.format(Locale.ROOT, "{%n  \"name\": \"%s\",%n  \"hidden\": %d,%n  \"epochs\": %d,%n"
                + "  \"test_accuracy\": %.4f%n}%n", IrisModel.NAME, hidden, epochs, accuracy);
        Files.writeString(work.resolve("model.json"), json, StandardCharsets.UTF_8);
        Path zip = out.resolve(IrisModel.NAME + ".zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream archive = new ZipOutputStream(file)) {
            for (String name : new String[] {IrisModel.NAME + "-0000.params", "model.json"}) {
                ZipEntry entry = new ZipEntry(name);
                entry.setTime(0);
                archive.putNextEntry(entry);
                Files.copy(work.resolve(name), archive);
                archive.closeEntry();
            }
        }
        System.err.printf(Locale.ROOT, "trained %s (hidden %d, %d epochs): test accuracy %.4f, %d bytes%n",
                IrisModel.NAME, hidden, epochs, accuracy, Files.size(zip));
        return zip;
    }
}
