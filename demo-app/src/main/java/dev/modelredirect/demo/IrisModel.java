package dev.modelredirect.demo;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/**
 * The demo model's architecture: a multi-layer perceptron from 4 Iris measurements to 3 species scores. Its
 * parameters live in the model file; the architecture is code, as for any DJL {@code .params} model.
 */
public final class IrisModel {
    /** The model's name: its file is {@code iris-mlp-0000.params}. */
    public static final String NAME = "iris-mlp";
    /** Hidden width of the default demo model. */
    public static final int DEFAULT_HIDDEN = 32;

    private IrisModel() {
    }

    /** Two hidden layers of {@code hidden} units with ReLU, then 3 outputs. */
    public static Block block(int hidden) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(IrisData.SPECIES.size()).build());
    }
}
