package io.albert4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * albert-base-random (the exact albert-base-v2 shape) against Hugging Face: the speed work's
 * kernels at full size (10 and 90 tokens), on 1 and 2 kernel threads, within 1e-4. Its 45 MB
 * checkpoint stays in ../shared, so Maven runs this class only where ../shared exists (the
 * {@code shared-fixtures} profile in pom.xml); there it fails, never skips, if anything is missing.
 */
class BaseRandomSharedFixtureTest {
    private static AlbertModel model;
    private static JsonNode golden;

    @BeforeAll
    static void load() {
        model = AlbertModel.load(Fixtures.sharedBaseRandom());
        golden = Golden.model("albert-base-random");
        assertEquals(2, golden.get("cases").size());
    }

    @AfterAll
    static void close() {
        model.close();
        Parallelism.setThreads(2);
    }

    @Test
    void matchesHuggingFaceOnOneAndTwoThreads() {
        for (int threads : new int[] {2, 1}) {
            Parallelism.setThreads(threads);
            for (JsonNode c : golden.get("cases")) {
                int[][] ids = Golden.ints2d(c.get("input_ids"));
                AlbertOutput out = model.forward(AlbertInput.of(ids));
                INDArray hidden = out.lastHiddenState();
                int seq = ids[0].length;
                String what = seq + " tokens, " + threads + " threads: ";
                Golden.assertClose(c.get("last_hidden_state_first4"),
                        hidden.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 4), NDArrayIndex.all()),
                        1e-4, what + "last_hidden_state_first4");
                Golden.assertClose(c.get("last_hidden_state_last"),
                        hidden.get(NDArrayIndex.point(0), NDArrayIndex.point(seq - 1), NDArrayIndex.all()),
                        1e-4, what + "last_hidden_state_last");
                assertEquals(c.get("last_hidden_state_mean_abs").asDouble(),
                        hidden.dup().norm1Number().doubleValue() / hidden.length(),
                        1e-5, what + "mean |h|");
                for (int s = 0; s < seq; s++) {
                    float[] logits = out.predictionLogits(0, s).toFloatVector();
                    int[] expectedIds = Golden.ints(c.get("logits_top5_ids").get(s));
                    double[] expectedValues = Golden.flatten(c.get("logits_top5_values").get(s));
                    for (int k = 0; k < 5; k++) {
                        assertEquals(expectedValues[k], logits[expectedIds[k]], 1e-4, what + "logit at " + s);
                    }
                    assertArrayEquals(expectedIds, GoldenOutputsTest.top(logits, 5), what + "top-5 at " + s);
                }
            }
        }
    }
}
