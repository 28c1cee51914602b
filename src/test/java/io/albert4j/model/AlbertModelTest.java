package io.albert4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading errors, head selection, padding independence and lifecycle of {@link AlbertModel}. */
class AlbertModelTest {

    @Test
    void paddingDoesNotChangeRealTokenOutputs() {
        AlbertModel model = GoldenOutputsTest.model(Fixtures.modelDir("albert-tiny-seqcls"));
        JsonNode batch = batchCase("albert-tiny-seqcls");
        int[][] ids = Golden.ints2d(batch.get("inputs").get("input_ids"));
        int[][] types = Golden.ints2d(batch.get("inputs").get("token_type_ids"));
        int[][] mask = Golden.ints2d(batch.get("inputs").get("attention_mask"));
        AlbertOutput padded = model.forward(AlbertInput.of(ids, types, mask));
        for (int r = 0; r < ids.length; r++) {
            int length = Arrays.stream(mask[r]).sum();
            AlbertOutput alone = model.forward(AlbertInput.of(new int[][] {Arrays.copyOf(ids[r], length)},
                    new int[][] {Arrays.copyOf(types[r], length)}, new int[][] {Arrays.copyOf(mask[r], length)}));
            INDArray real = padded.lastHiddenState().get(NDArrayIndex.point(r), NDArrayIndex.interval(0, length),
                    NDArrayIndex.all());
            assertClose(alone.lastHiddenState().get(NDArrayIndex.point(0)), real, "row " + r + " hidden states");
            assertClose(alone.logits().getRow(0), padded.logits().getRow(r), "row " + r + " logits");
        }
    }

    @Test
    void bareEncoderFromATaskCheckpointGivesTheSameHiddenStates() {
        Path dir = Fixtures.modelDir("albert-tiny-qa");
        JsonNode single = Golden.model("albert-tiny-qa").get("cases").get(0);
        try (AlbertModel encoder = AlbertModel.load(dir, Architecture.ALBERT_MODEL)) {
            AlbertOutput out = encoder.forward(GoldenOutputsTest.input(single));
            Golden.assertClose(single.get("hidden_states_first_last").get(1), out.lastHiddenState(), 1e-4, "hidden");
            assertNull(out.startLogits());
            assertNull(out.poolerOutput(), "QA checkpoints have no pooler");
        }
    }

    @Test
    void missingHeadWeightNamesTheKey() {
        AlbertException e = assertThrows(AlbertException.class,
                () -> AlbertModel.load(Fixtures.modelDir("albert-tiny-groups"), Architecture.SEQUENCE_CLASSIFICATION));
        assertTrue(e.getMessage().contains("classifier.weight"), e.getMessage());
    }

    @Test
    void shapeMismatchNamesKeyExpectedAndFound(@TempDir Path tmp) throws IOException {
        Path dir = copyWithConfig("albert-tiny-seqcls", tmp, "\"intermediate_size\": 80", "\"intermediate_size\": 81");
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertModel.load(dir));
        String m = e.getMessage();
        assertTrue(m.contains("ffn.weight") && m.contains("81") && m.contains("80"), m);
    }

    @Test
    void unsupportedActivationNamesTheKey(@TempDir Path tmp) throws IOException {
        Path dir = copyWithConfig("albert-tiny-seqcls", tmp, "\"hidden_act\": \"gelu\"", "\"hidden_act\": \"mish_v2\"");
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertModel.load(dir));
        assertTrue(e.getMessage().contains("hidden_act") && e.getMessage().contains("mish_v2"), e.getMessage());
    }

    @Test
    void unknownArchitectureIsRefused(@TempDir Path tmp) throws IOException {
        Path dir = copyWithConfig("albert-tiny-seqcls", tmp, "AlbertForSequenceClassification", "BertForMaskedLM");
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertModel.load(dir));
        assertTrue(e.getMessage().contains("BertForMaskedLM"), e.getMessage());
    }

    @Test
    void missingConfigIsReported(@TempDir Path tmp) throws IOException {
        Files.copy(Fixtures.modelDir("albert-tiny-seqcls").resolve("model.safetensors"), tmp.resolve("model.safetensors"));
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertModel.load(tmp));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void truncatedWeightsFileIsReported(@TempDir Path tmp) throws IOException {
        Path dir = copyWithConfig("albert-tiny-seqcls", tmp, "", "");
        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length / 2));
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertModel.load(dir));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    @Test
    void inputsAreValidated() {
        AlbertModel model = GoldenOutputsTest.model(Fixtures.modelDir("albert-tiny-seqcls"));
        assertThrows(AlbertException.class, () -> model.forward(AlbertInput.of(new int[][] {{2, 30000, 3}})),
                "id beyond vocab_size");
        assertThrows(AlbertException.class, () -> model.forward(AlbertInput.of(new int[][] {new int[65]})),
                "longer than max_position_embeddings");
        assertThrows(AlbertException.class, () -> AlbertInput.of(new int[][] {{2, 3}, {2}}), "ragged rows");
    }

    @Test
    void closeTwiceIsHarmlessAndForwardAfterCloseFails() {
        AlbertModel model = AlbertModel.load(Fixtures.modelDir("albert-tiny-seqcls"));
        model.close();
        model.close();
        assertThrows(IllegalStateException.class, () -> model.forward(AlbertInput.of(new int[][] {{2, 3}})));
    }

    @Test
    void multipleChoiceLogitsHaveOneColumnPerChoice() {
        AlbertModel model = GoldenOutputsTest.model(Fixtures.modelDir("albert-tiny-multichoice"));
        JsonNode golden = Golden.model("albert-tiny-multichoice").get("cases").get(0);
        AlbertOutput out = model.forward(GoldenOutputsTest.input(golden));
        assertEquals(3, out.logits().size(1));
    }

    private static JsonNode batchCase(String model) {
        for (JsonNode c : Golden.model(model).get("cases")) {
            if (c.get("kind").asText().equals("batch")) {
                return c;
            }
        }
        throw new IllegalStateException("no batch case in " + model);
    }

    private static Path copyWithConfig(String model, Path tmp, String from, String to) throws IOException {
        Path source = Fixtures.modelDir(model);
        Files.copy(source.resolve("model.safetensors"), tmp.resolve("model.safetensors"));
        String config = Files.readString(source.resolve("config.json"));
        assertTrue(config.contains(from), "fixture config should contain " + from);
        Files.writeString(tmp.resolve("config.json"), config.replace(from, to));
        return tmp;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + " shape");
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, what + ": max difference " + diff);
    }
}
