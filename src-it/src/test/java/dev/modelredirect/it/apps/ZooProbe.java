package dev.modelredirect.it.apps;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooModel;
import java.util.Locale;

/**
 * Loads a text-embedding model from DJL's model zoo, as an application would, and embeds one sentence:
 *
 * <pre>
 * ZooProbe url djl://GROUP/ARTIFACT         Criteria.optModelUrls(url).loadModel()
 * ZooProbe ids GROUP ARTIFACT               Criteria.optGroupId(group).optArtifactId(artifact), ModelZoo.loadModel
 * </pre>
 *
 * Prints {@code main started}, then {@code embedding TAB length TAB first four values} and {@code model TAB model
 * path}. Any failure prints {@code error TAB class TAB message} and exits with code 4.
 */
public final class ZooProbe {
    private ZooProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("main started");
        Criteria.Builder<String, float[]> builder = Criteria.builder().setTypes(String.class, float[].class)
                .optEngine("OnnxRuntime");
        if (args[0].equals("url")) {
            builder.optModelUrls(args[1]);
        } else {
            builder.optGroupId(args[1]).optArtifactId(args[2]);
        }
        try (ZooModel<String, float[]> model = ModelZoo.loadModel(builder.build());
                Predictor<String, float[]> predictor = model.newPredictor()) {
            float[] embedding = predictor.predict("A model store keeps every model in one place.");
            System.out.println(String.format(Locale.ROOT, "embedding\t%d\t%.5f %.5f %.5f %.5f", embedding.length,
                    embedding[0], embedding[1], embedding[2], embedding[3]));
            System.out.println("model\t" + model.getModelPath());
        } catch (Exception | Error ex) {
            Throwable cause = ex;
            while (cause.getCause() != null && cause.getMessage() == null) {
                cause = cause.getCause();
            }
            System.out.println("error\t" + cause.getClass().getName() + "\t" + cause.getMessage());
            ex.printStackTrace();
            System.out.flush();
            System.exit(4);
        }
    }
}
