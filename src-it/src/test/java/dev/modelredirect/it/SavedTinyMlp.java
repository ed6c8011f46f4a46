package dev.modelredirect.it;

import dev.modelredirect.it.apps.SaveTinyMlp;
import dev.modelredirect.it.apps.TinyMlp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The small MLP of {@link TinyMlp}, built with fixed parameters and saved once per test run (by a child JVM with the
 * PyTorch engine, without the agent), with the predictions of the built model on the fixed input.
 *
 * @param dir         the model folder, {@code tiny-mlp/tiny-mlp-0000.params}
 * @param predictions the built model's {@code prediction} lines (value and bits)
 */
public record SavedTinyMlp(Path dir, List<String> predictions) {
    /** The first PyTorch child of a run unpacks libtorch (about 450 MB) into the shared engine cache. */
    public static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static SavedTinyMlp saved;

    /** The model, built on first use. */
    public static synchronized SavedTinyMlp get() {
        if (saved == null) {
            Path folder = Scratch.fresh("tiny-mlp");
            Path dir = folder.resolve(TinyMlp.NAME);
            ChildJvm.Exit exit = Djl.pytorchApp(folder, SaveTinyMlp.class, dir.toString()).run(TIMEOUT);
            if (exit.code() != 0 || !Files.isRegularFile(dir.resolve(TinyMlp.NAME + "-0000.params"))) {
                throw new AssertionError("building the model failed: " + exit.describe());
            }
            saved = new SavedTinyMlp(dir, predictions(exit.stdout()));
            if (saved.predictions().size() != 6) {
                throw new AssertionError("expected 2 rows of 3 predictions: " + exit.describe());
            }
        }
        return saved;
    }

    /** The parameter file. */
    public Path paramsFile() {
        return dir.resolve(TinyMlp.NAME + "-0000.params");
    }

    /** The {@code prediction} lines of an output. */
    public static List<String> predictions(String stdout) {
        return stdout.lines().filter(line -> line.startsWith("prediction\t")).toList();
    }
}
