package dev.modelredirect.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Iris data set shipped with the demo (150 samples, 3 species), split the same way every time: every fifth
 * sample is held out for testing (30 samples, 10 per species), the other 120 train.
 */
public final class IrisData {
    /** Species in label order. */
    public static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");

    private final float[][] features;
    private final int[] labels;

    private IrisData(float[][] features, int[] labels) {
        this.features = features;
        this.labels = labels;
    }

    /** All 150 samples, in file order. */
    public static IrisData load() {
        List<float[]> rows = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        try (InputStream in = IrisData.class.getResourceAsStream("iris.csv");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split(",");
                float[] row = new float[4];
                for (int i = 0; i < 4; i++) {
                    row[i] = Float.parseFloat(cells[i]);
                }
                rows.add(row);
                classes.add(SPECIES.indexOf(cells[4].trim()));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read the Iris data shipped in the demo jar", ex);
        }
        int[] labels = classes.stream().mapToInt(Integer::intValue).toArray();
        return new IrisData(rows.toArray(new float[0][]), labels);
    }

    /** The 120 training samples. */
    public IrisData training() {
        return select(false);
    }

    /** The 30 held-out samples. */
    public IrisData test() {
        return select(true);
    }

    private IrisData select(boolean heldOut) {
        List<float[]> rows = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        for (int i = 0; i < features.length; i++) {
            if ((i % 5 == 0) == heldOut) {
                rows.add(features[i]);
                classes.add(labels[i]);
            }
        }
        return new IrisData(rows.toArray(new float[0][]),
                classes.stream().mapToInt(Integer::intValue).toArray());
    }

    public int size() {
        return labels.length;
    }

    /** Features as one row-major array of {@code size() x 4}. */
    public float[] flatFeatures() {
        float[] flat = new float[features.length * 4];
        for (int i = 0; i < features.length; i++) {
            System.arraycopy(features[i], 0, flat, i * 4, 4);
        }
        return flat;
    }

    public int[] labels() {
        return labels.clone();
    }
}
