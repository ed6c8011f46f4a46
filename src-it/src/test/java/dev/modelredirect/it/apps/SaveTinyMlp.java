package dev.modelredirect.it.apps;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code SaveTinyMlp DIR}: builds {@link TinyMlp} with the PyTorch engine, sets every parameter to fixed values (no
 * randomness), saves it as {@code DIR/tiny-mlp-0000.params} and prints its prediction on the fixed input.
 */
public final class SaveTinyMlp {
    private SaveTinyMlp() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        try (Model model = Model.newInstance(TinyMlp.NAME, "PyTorch"); NDManager manager = NDManager.newBaseManager()) {
            model.setBlock(TinyMlp.block());
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 4));
            int index = 0;
            for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
                NDArray array = parameter.getValue().getArray();
                float[] values = new float[Math.toIntExact(array.size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (0.5 * Math.sin(1.7 * index + 0.31 * i));
                }
                array.set(values);
                index++;
            }
            model.save(dir, TinyMlp.NAME);
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
                TinyMlp.printPrediction(predictor, manager);
            }
        }
    }
}
