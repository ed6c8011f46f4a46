package dev.modelredirect.it.apps;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.Locale;

/** A small multi-layer perceptron, 4 inputs to 3 outputs, and the fixed input the tests predict on. */
public final class TinyMlp {
    /** The file name prefix DJL saves and loads its parameters under: {@code tiny-mlp-0000.params}. */
    public static final String NAME = "tiny-mlp";

    private static final float[] INPUT = {0.5f, -1.0f, 2.0f, 0.25f, 1.0f, 2.0f, 3.0f, 4.0f};

    private TinyMlp() {
    }

    /** The block, without parameters. */
    public static Block block() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(3).build());
    }

    /** The input: two rows of four. */
    public static NDArray input(NDManager manager) {
        return manager.create(INPUT, new Shape(2, 4));
    }

    /** Predicts on the fixed input and prints {@code prediction TAB value TAB bits} for each output, in order. */
    public static void printPrediction(Predictor<NDList, NDList> predictor, NDManager manager) throws Exception {
        NDList output = predictor.predict(new NDList(input(manager)));
        float[] values = output.singletonOrThrow().toFloatArray();
        for (float value : values) {
            System.out.println(String.format(Locale.ROOT, "prediction\t%s\t%08x", value,
                    Float.floatToRawIntBits(value)));
        }
    }
}
