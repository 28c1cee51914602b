package io.albert4j.pipeline;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ScoresTest {

    @Test
    void topKEqualsAFullSortForEveryK() {
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            float[] values = new float[1 + random.nextInt(300)];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(40) / 4f; // many ties
            }
            int[] sorted = IntStream.range(0, values.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i))
                    .mapToInt(Integer::intValue).toArray();
            for (int k : new int[] {1, 2, 5, values.length / 2 + 1, values.length, values.length + 3}) {
                assertArrayEquals(Arrays.copyOf(sorted, Math.min(k, values.length)), Scores.topK(values, k),
                        "k=" + k + " of " + values.length);
            }
        }
    }

    @Test
    void softmaxAndSigmoid() {
        float[] p = Scores.softmax(new float[] {1f, 2f, 3f});
        assertEquals(0.09003057f, p[0], 1e-7);
        assertEquals(0.66524096f, p[2], 1e-7);
        assertEquals(1f, p[0] + p[1] + p[2], 1e-6);
        assertEquals(0.7310586f, Scores.sigmoid(new float[] {1f})[0], 1e-7);
        assertEquals(2, Scores.argmax(new float[] {0f, 1f, 5f, 5f}));
    }
}
