package dev.modelredirect.it.apps;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Path;

/**
 * {@code PredictTinyMlp URL|PATH}: loads {@link TinyMlp}'s parameters with DJL's Criteria ({@code optModelUrls} for a
 * URL, {@code optModelPath} for a local path) and the PyTorch engine, and prints the prediction on the fixed input.
 */
public final class PredictTinyMlp {
    private PredictTinyMlp() {
    }

    public static void main(String[] args) throws Exception {
        String location = args[0];
        Criteria.Builder<NDList, NDList> builder = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optBlock(TinyMlp.block()).optEngine("PyTorch").optTranslator(new NoopTranslator());
        if (location.contains("://")) {
            builder.optModelUrls(location);
        } else {
            builder.optModelPath(Path.of(location));
        }
        try (ZooModel<NDList, NDList> model = builder.build().loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor();
                NDManager manager = NDManager.newBaseManager()) {
            System.out.println("model\t" + model.getName() + "\t" + model.getModelPath());
            TinyMlp.printPrediction(predictor, manager);
        }
    }
}
