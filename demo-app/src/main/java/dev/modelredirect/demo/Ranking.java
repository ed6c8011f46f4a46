package dev.modelredirect.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Ranks embedded sentences by cosine similarity to a query embedding, best first. */
public final class Ranking {
    /** One ranked sentence: its index in the corpus and its cosine similarity to the query. */
    public record Hit(int index, double score) {
    }

    private Ranking() {
    }

    /** The {@code top} sentences most similar to {@code query} (fewer if the corpus is smaller), best first. */
    public static List<Hit> rank(float[] query, List<float[]> corpus, int top) {
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            hits.add(new Hit(i, cosine(query, corpus.get(i))));
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed().thenComparingInt(Hit::index));
        return List.copyOf(hits.subList(0, Math.min(top, hits.size())));
    }

    /** The cosine of the angle between {@code a} and {@code b} (0 if either is zero). */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        }
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return normA == 0 || normB == 0 ? 0 : dot / Math.sqrt(normA * normB);
    }
}
