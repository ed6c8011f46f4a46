package dev.modelredirect.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankingTest {
    private static final List<float[]> CORPUS = List.of(new float[] {1, 0}, new float[] {0, 1}, new float[] {1, 1},
            new float[] {-1, 0});

    @Test
    void theMostSimilarSentencesComeFirstWithTheirCosine() {
        List<Ranking.Hit> hits = Ranking.rank(new float[] {2, 1}, CORPUS, 3);
        assertThat(hits).extracting(Ranking.Hit::index).containsExactly(2, 0, 1);
        assertThat(hits.get(0).score()).isCloseTo(3 / Math.sqrt(10), within(1e-9));
    }

    @Test
    void fewerSentencesThanAskedAreAllReturned() {
        assertThat(Ranking.rank(new float[] {1, 0}, CORPUS.subList(0, 2), 5)).hasSize(2);
    }

    @Test
    void theCosineIgnoresLengthAndIsZeroForAZeroVector() {
        assertThat(Ranking.cosine(new float[] {3, 4}, new float[] {6, 8})).isCloseTo(1.0, within(1e-9));
        assertThat(Ranking.cosine(new float[] {1, 0}, new float[] {-1, 0})).isCloseTo(-1.0, within(1e-9));
        assertThat(Ranking.cosine(new float[] {0, 0}, new float[] {1, 0})).isZero();
    }
}
