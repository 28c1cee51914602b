package io.albert4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * albert-base-random (the exact albert-base-v2 shape) against its golden values within 1e-3.
 * Its 45 MB checkpoint stays in ../shared, so Maven runs this class only where ../shared exists
 * (the {@code shared-fixtures} profile in pom.xml); there it fails, never skips, if anything is missing.
 */
class BaseRandomSharedFixtureTest {
    static final double TOLERANCE = 1e-3;
    private static AlbertModel model;
    private static JsonNode cases;

    @BeforeAll
    static void load() {
        model = AlbertModel.load(Fixtures.sharedBaseRandom());
        cases = Golden.model("albert-base-random").get("cases");
        assertEquals(2, cases.size());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest(name = "case {0}")
    @ValueSource(ints = {0, 1})
    void matchesHuggingFace(int index) {
        JsonNode c = cases.get(index);
        AlbertOutput out = model.forward(AlbertInput.of(Golden.ints2d(c.get("input_ids"))));
        INDArray hidden = out.lastHiddenState().get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());
        long seq = hidden.size(0);
        Golden.assertClose(c.get("last_hidden_state_first4"), hidden.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()),
                TOLERANCE, "last_hidden_state_first4");
        Golden.assertClose(c.get("last_hidden_state_last"), hidden.getRow(seq - 1), TOLERANCE, "last_hidden_state_last");
        assertEquals(c.get("last_hidden_state_mean_abs").asDouble(),
                org.nd4j.linalg.ops.transforms.Transforms.abs(hidden, true).meanNumber().doubleValue(),
                TOLERANCE, "mean |hidden|");
        INDArray logits = out.predictionLogits().get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());
        for (int s = 0; s < seq; s++) {
            int[] expected = Golden.ints(c.get("logits_top5_ids").get(s));
            float[] row = logits.getRow(s).toFloatVector();
            assertArrayEquals(expected, GoldenOutputsTest.top(row, 5), "top-5 ids at " + s);
            double[] values = new double[5];
            for (int k = 0; k < 5; k++) {
                values[k] = row[expected[k]];
            }
            Golden.assertClose(Golden.flatten(c.get("logits_top5_values").get(s)), values, TOLERANCE, "top-5 values at " + s);
        }
    }
}
