package io.albert4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every stored output of every golden case of every tiny checkpoint, loaded through the real
 * readers (safetensors, and pytorch_model.bin where the fixture has one), within 1e-4.
 */
class GoldenOutputsTest {
    static final double TOLERANCE = 1e-4;
    private static final Map<Path, AlbertModel> MODELS = new HashMap<>();

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String model : Fixtures.TINY_MODELS) {
            JsonNode cases = Golden.model(model).get("cases");
            for (int i = 0; i < cases.size(); i++) {
                out.add(Arguments.of(model, "model.safetensors", i, cases.get(i).get("kind").asText()));
                if (Fixtures.hasBin(model)) {
                    out.add(Arguments.of(model, "pytorch_model.bin", i, cases.get(i).get("kind").asText()));
                }
            }
        }
        assertTrue(out.size() > 100, "golden cases found: " + out.size());
        return out.stream();
    }

    @ParameterizedTest(name = "{0} [{1}] case {2} ({3})")
    @MethodSource("cases")
    void matchesHuggingFace(String modelName, String weightsFile, int caseIndex, String kind) {
        JsonNode golden = Golden.model(modelName).get("cases").get(caseIndex);
        AlbertModel model = model(Fixtures.modelDirWith(modelName, weightsFile));
        AlbertOutput out = model.forward(input(golden), golden.has("hidden_states_first_last"));
        int compared = 0;
        for (String name : List.of("last_hidden_state", "pooler_output", "logits", "sop_logits",
                "start_logits", "end_logits")) {
            if (golden.has(name)) {
                Golden.assertClose(golden.get(name), output(out, name, model.architecture()), TOLERANCE, name);
                compared++;
            }
        }
        if (golden.has("hidden_states_first_last")) {
            JsonNode firstLast = golden.get("hidden_states_first_last");
            List<INDArray> states = out.hiddenStates();
            assertEquals(model.config().numHiddenLayers() + 1, states.size(), "hidden state count");
            Golden.assertClose(firstLast.get(0), states.get(0), TOLERANCE, "hidden_states[0]");
            Golden.assertClose(firstLast.get(1), states.get(states.size() - 1), TOLERANCE, "hidden_states[-1]");
            compared++;
        }
        for (String prefix : List.of("logits", "prediction_logits")) {
            if (golden.has(prefix + "_sample")) {
                compareVocabularyLogits(golden, prefix, out.predictionLogits());
                compared++;
            }
        }
        assertTrue(compared > 0, "no output compared for " + modelName + " case " + caseIndex);
    }

    /** The sampled vocabulary columns and the top-5 ids and values at every position. */
    static void compareVocabularyLogits(JsonNode golden, String prefix, INDArray logits) {
        int[] sampleIds = Golden.ints(golden.get(prefix + "_sample_ids"));
        INDArray sample = logits.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.indices(toLongs(sampleIds)));
        Golden.assertClose(golden.get(prefix + "_sample"), sample, TOLERANCE, prefix + "_sample");
        JsonNode topIds = golden.get(prefix + "_top5_ids");
        JsonNode topValues = golden.get(prefix + "_top5_values");
        for (int b = 0; b < topIds.size(); b++) {
            for (int s = 0; s < topIds.get(b).size(); s++) {
                int[] expectedIds = Golden.ints(topIds.get(b).get(s));
                long[] ids = new long[expectedIds.length];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = expectedIds[k];
                }
                INDArray atExpected = logits.get(NDArrayIndex.point(b), NDArrayIndex.point(s), NDArrayIndex.indices(ids));
                Golden.assertClose(topValues.get(b).get(s), atExpected, TOLERANCE, prefix + "_top5_values");
                int[] actualTop = top(logits.get(NDArrayIndex.point(b), NDArrayIndex.point(s)).toFloatVector(), 5);
                assertArrayEquals(expectedIds, actualTop, prefix + "_top5_ids at [" + b + "," + s + "]");
            }
        }
    }

    static int[] top(float[] values, int k) {
        int[] best = new int[k];
        boolean[] taken = new boolean[values.length];
        for (int i = 0; i < k; i++) {
            int arg = -1;
            for (int j = 0; j < values.length; j++) {
                if (!taken[j] && (arg < 0 || values[j] > values[arg])) {
                    arg = j;
                }
            }
            taken[arg] = true;
            best[i] = arg;
        }
        return best;
    }

    static INDArray output(AlbertOutput out, String name, Architecture architecture) {
        return switch (name) {
            case "last_hidden_state" -> out.lastHiddenState();
            case "pooler_output" -> out.poolerOutput();
            case "logits" -> architecture == Architecture.MASKED_LM ? out.predictionLogits() : out.logits();
            case "sop_logits" -> out.sopLogits();
            case "start_logits" -> out.startLogits();
            case "end_logits" -> out.endLogits();
            default -> throw new IllegalArgumentException(name);
        };
    }

    static AlbertInput input(JsonNode golden) {
        JsonNode in = golden.get("inputs");
        if (golden.get("kind").asText().equals("multiple_choice")) {
            return AlbertInput.multipleChoice(new int[][][] {Golden.ints2d(in.get("input_ids"))},
                    new int[][][] {Golden.ints2d(in.get("token_type_ids"))},
                    new int[][][] {Golden.ints2d(in.get("attention_mask"))});
        }
        return AlbertInput.of(Golden.ints2d(in.get("input_ids")), Golden.ints2d(in.get("token_type_ids")),
                Golden.ints2d(in.get("attention_mask")));
    }

    static synchronized AlbertModel model(Path dir) {
        return MODELS.computeIfAbsent(dir, AlbertModel::load);
    }

    @AfterAll
    static void closeModels() {
        MODELS.values().forEach(AlbertModel::close);
        MODELS.clear();
    }

    private static long[] toLongs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
