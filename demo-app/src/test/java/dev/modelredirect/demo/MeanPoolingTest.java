package dev.modelredirect.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MeanPoolingTest {
    @Test
    void theEmbeddingIsTheMeanOfTheKeptTokensScaledToUnitLength() {
        float[] tokens = {3, 0, 1, 4, 100, 100};
        float[] embedding = MeanPooling.pool(tokens, new long[] {1, 1, 0}, 2);
        // mean of (3,0) and (1,4) is (2,2); unit length: (0.7071, 0.7071); the padded (100,100) is left out
        assertThat(embedding[0]).isCloseTo(0.70710677f, within(1e-6f));
        assertThat(embedding[1]).isCloseTo(0.70710677f, within(1e-6f));
    }

    @Test
    void everyEmbeddingHasUnitLength() {
        float[] embedding = MeanPooling.pool(new float[] {0.5f, -2, 7, 1, 1, 1}, new long[] {1, 1}, 3);
        double norm = 0;
        for (float v : embedding) {
            norm += v * v;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void anAllPaddingInputGivesTheZeroVectorRatherThanNaN() {
        assertThat(MeanPooling.pool(new float[] {1, 2}, new long[] {0}, 2)).containsExactly(0f, 0f);
    }

    @Test
    void valuesThatAreNotTokensTimesDimensionsAreRefused() {
        assertThatThrownBy(() -> MeanPooling.pool(new float[5], new long[] {1, 1}, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 tokens of 3 dimensions");
    }
}
