package dev.modelredirect.demo;

/**
 * The sentence embedding sentence-transformers computes for all-MiniLM-L6-v2: the mean of the token embeddings the
 * attention mask keeps, scaled to unit length (its {@code Pooling} then {@code Normalize} modules). Plain arithmetic on
 * the model's output, so it needs no tensor library.
 */
public final class MeanPooling {
    private MeanPooling() {
    }

    /**
     * The unit-length mean of the kept tokens.
     *
     * @param tokens token embeddings, row-major: {@code mask.length} rows of {@code dimensions} values
     * @param mask   1 for a token to keep, 0 for padding
     */
    public static float[] pool(float[] tokens, long[] mask, int dimensions) {
        if (tokens.length != mask.length * dimensions) {
            throw new IllegalArgumentException(tokens.length + " values are not " + mask.length + " tokens of "
                    + dimensions + " dimensions");
        }
        double[] sum = new double[dimensions];
        long kept = 0;
        for (int token = 0; token < mask.length; token++) {
            if (mask[token] == 0) {
                continue;
            }
            kept++;
            for (int d = 0; d < dimensions; d++) {
                sum[d] += tokens[token * dimensions + d];
            }
        }
        double count = Math.max(kept, 1e-9);
        double norm = 0;
        for (int d = 0; d < dimensions; d++) {
            sum[d] /= count;
            norm += sum[d] * sum[d];
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] embedding = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
            embedding[d] = (float) (sum[d] / norm);
        }
        return embedding;
    }
}
