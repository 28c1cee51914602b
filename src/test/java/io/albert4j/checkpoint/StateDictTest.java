package io.albert4j.checkpoint;

import io.albert4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.albert4j.checkpoint.CheckpointTestSupport.assertFails;
import static io.albert4j.checkpoint.CheckpointTestSupport.read;
import static io.albert4j.checkpoint.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateDictTest {

    @TempDir
    Path tmp;

    private static float[] values(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    private static void assertFloatC(INDArray a, long... shape) {
        assertEquals(DataType.FLOAT, a.dataType());
        assertEquals('c', a.ordering());
        assertArrayEquals(shape, a.shape());
        assertFalse(a.isView());
        assertFalse(a.isAttached(), "not in a workspace");
    }

    /** The arrays hold exactly the reader's floats, by the direct (off-heap) and the float[] path alike. */
    @ParameterizedTest(name = "direct copy {0}")
    @ValueSource(booleans = {true, false})
    void arraysHoldTheCheckpointsFloats(boolean direct) {
        Path dir = Fixtures.modelDir("albert-tiny-pretraining");
        try (CheckpointReader reference = SafetensorsFile.open(dir.resolve("model.safetensors"));
             CheckpointReader heapReader = SafetensorsFile.open(dir.resolve("model.safetensors"));
             StateDict sd = StateDict.of(SafetensorsFile.open(dir.resolve("model.safetensors")), "fixture")) {
            for (TensorInfo info : reference.tensors().values()) {
                INDArray a = sd.require(info.key(), info.shape());
                assertFloatC(a, info.shape());
                assertArrayEquals(read(reference, info.key()), values(a), info.key());
                if (!direct) {
                    INDArray heap = StateDict.readThroughHeap(heapReader, "fixture", info.key(), info.shape(),
                            info.elementCount());
                    assertFloatC(heap, info.shape());
                    assertArrayEquals(read(reference, info.key()), values(heap), info.key());
                }
            }
            INDArray w = sd.require("albert.embeddings.word_embeddings.weight", 30000, 16);
            float[] raw = read(reference, "albert.embeddings.word_embeddings.weight");
            assertEquals(raw[16 * 29999 + 15], w.getFloat(29999, 15));
            assertEquals(raw[17], w.getFloat(1, 1));
            assertEquals(List.of(), sd.unusedKeys());
        }
    }

    /** The ND4J quirk the direct path guards against: the NIO view must be native-order and exactly the array. */
    @Test
    void nd4jBufferViewIsNativeOrder() {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, new long[]{2, 3}, 'c');
        FloatBuffer view = StateDict.directView(a, 6);
        assertNotNull(view);
        assertEquals(ByteOrder.nativeOrder(), view.order());
        view.put(new float[]{1, 2, 3, 4, 5, 6});
        assertEquals(6f, a.getFloat(1, 2));
        assertEquals(2f, a.getFloat(0, 1));
        INDArray slice = Nd4j.create(DataType.FLOAT, 4, 4).get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
        assertNull(StateDict.directView(slice, 8), "views are not written through the buffer");
    }

    @Test
    void bareAlbertModelKeysAnswerPrefixedRequests() {
        // albert-tiny-groups was saved from a bare AlbertModel: no "albert." prefix
        try (StateDict sd = StateDict.open(Fixtures.modelDir("albert-tiny-groups"));
             CheckpointReader raw = SafetensorsFile.open(Fixtures.modelDir("albert-tiny-groups").resolve("model.safetensors"))) {
            assertFalse(raw.tensors().containsKey("albert.pooler.weight"));
            assertTrue(sd.contains("albert.pooler.weight"));
            assertArrayEquals(read(raw, "pooler.weight"), values(sd.require("albert.pooler.weight", 48, 48)));
            assertArrayEquals(read(raw, "embeddings.word_embeddings.weight"),
                    values(sd.require("albert.embeddings.word_embeddings.weight", 30000, 48)));
            assertFalse(sd.unusedKeys().contains("pooler.weight"));
            assertTrue(sd.unusedKeys().contains("encoder.embedding_hidden_mapping_in.weight"));
            assertFalse(sd.contains("classifier.weight"));
            assertFalse(sd.contains("albert.classifier.weight"));
        }

        Path file = new SafetensorsWriter()
                .f32("embeddings.LayerNorm.weight", shape(2), 1f, 2f)
                .f32("albert.x", shape(1), 10f)
                .f32("x", shape(1), 20f)
                .f32("classifier.weight", shape(1, 2), 3f, 4f)
                .write(tmp.resolve("model.safetensors"));
        try (StateDict sd = StateDict.open(tmp)) {
            assertEquals(file.toString(), sd.source());
            assertArrayEquals(new float[]{1f, 2f}, values(sd.require("albert.embeddings.LayerNorm.weight", 2)));
            assertArrayEquals(new float[]{10f}, values(sd.require("albert.x", 1)), "the exact key wins");
            assertArrayEquals(new float[]{3f, 4f}, values(sd.require("classifier.weight", 1, 2)));
            assertFalse(sd.contains("albert.classifier.weight.bias"));
            assertEquals(List.of("x"), sd.unusedKeys());
            assertArrayEquals(new float[]{20f}, values(sd.require("x")));
            assertEquals(List.of(), sd.unusedKeys());
        }
    }

    @Test
    void tiedDecoderFallsBackToEmbeddingsAndPredictionsBias() {
        Path dir = Fixtures.modelDir("albert-tiny-maskedlm");
        try (StateDict sd = StateDict.open(dir);
             CheckpointReader raw = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertFalse(raw.tensors().containsKey("predictions.decoder.weight"));
            assertFalse(raw.tensors().containsKey("predictions.decoder.bias"));
            assertTrue(sd.contains("predictions.decoder.weight"));
            INDArray decoder = sd.require("predictions.decoder.weight", 30000, 16);
            assertFloatC(decoder, 30000, 16);
            assertArrayEquals(read(raw, "albert.embeddings.word_embeddings.weight"), values(decoder));
            INDArray bias = sd.require("predictions.decoder.bias", 30000);
            assertArrayEquals(read(raw, "predictions.bias"), values(bias));
            INDArray embeddings = sd.require("albert.embeddings.word_embeddings.weight", 30000, 16);
            assertEquals(embeddings, decoder);
            embeddings.putScalar(0, 0, 12345f);
            assertFalse(decoder.getFloat(0, 0) == 12345f, "each request returns a new array");

            List<String> unused = sd.unusedKeys();
            assertFalse(unused.contains("albert.embeddings.word_embeddings.weight"));
            assertFalse(unused.contains("predictions.bias"));
            assertTrue(unused.contains("predictions.dense.weight"));
            assertFails(() -> sd.require("predictions.decoder.weight", 30000, 128),
                    "'predictions.decoder.weight' (stored as 'albert.embeddings.word_embeddings.weight')",
                    "[30000, 16]", "expected [30000, 128]");
        }
        // where the decoder is stored (the pretraining .bin keeps the tied copies) it is read as stored
        Path bin = CheckpointTestSupport.copy(Fixtures.modelDir("albert-tiny-pretraining").resolve("pytorch_model.bin"),
                tmp.resolve("pt").resolve("pytorch_model.bin"));
        try (StateDict sd = StateDict.open(bin.getParent())) {
            sd.require("predictions.decoder.weight", 30000, 16);
            assertTrue(sd.unusedKeys().contains("albert.embeddings.word_embeddings.weight"));
            assertFalse(sd.unusedKeys().contains("predictions.decoder.weight"));
        }
    }

    @Test
    void shapeMismatchAndMissingKeyMessages() {
        Path dir = Fixtures.modelDir("albert-tiny-pretraining");
        String source = dir.resolve("model.safetensors").toString();
        try (StateDict sd = StateDict.open(dir)) {
            assertEquals(source, sd.source());
            assertFails(() -> sd.require("albert.embeddings.word_embeddings.weight", 30000, 128),
                    source, "'albert.embeddings.word_embeddings.weight'", "has shape [30000, 16]", "expected [30000, 128]");
            assertFails(() -> sd.optional("albert.pooler.weight", 48), "'albert.pooler.weight'", "[48, 48]", "expected [48]");
            assertFails(() -> sd.require("classifier.weight", 3, 48), source, "no tensor 'classifier.weight'",
                    "holds 32 tensors");
            assertFails(() -> sd.require("albert.pooler.wieght", 48, 48), "no tensor 'albert.pooler.wieght'",
                    "also looked for 'pooler.wieght'");
            assertEquals(Optional.empty(), sd.optional("qa_outputs.weight", 2, 48));
            assertTrue(sd.optional("sop_classifier.classifier.bias", 2).isPresent());
            assertArrayEquals(new long[]{2, 48}, sd.require("sop_classifier.classifier.weight").shape(),
                    "no expected shape: any shape");
        }
        try (StateDict sd = StateDict.open(Fixtures.modelDir("albert-tiny-groups"))) {
            // the tied decoder weight resolves through both rules to the bare embeddings...
            assertEquals(sd.require("albert.embeddings.word_embeddings.weight", 30000, 48),
                    sd.require("predictions.decoder.weight", 30000, 48));
            // ...but a bare model has no predictions.bias for the decoder bias
            assertFails(() -> sd.require("predictions.decoder.bias", 30000), "no tensor 'predictions.decoder.bias'",
                    "also looked for 'predictions.bias'");
        }
    }

    @Test
    void unusedKeysListTheRestInFileOrderWithoutBuffers() {
        new SafetensorsWriter()
                .add("albert.embeddings.position_ids", "I64", shape(1, 3), SafetensorsWriter.longBytes(0, 1, 2))
                .add("albert.embeddings.token_type_ids", "I64", shape(1, 3), SafetensorsWriter.longBytes(0, 0, 0))
                .f32("albert.pooler.weight", shape(1), 1f)
                .f32("albert.pooler.bias", shape(1), 2f)
                .f32("classifier.weight", shape(1), 3f)
                .f32("classifier.bias", shape(1), 4f)
                .f16("scalar", shape(), (short) 0x3c00)
                .add("empty", "BF16", shape(0, 3), new byte[0])
                .write(tmp.resolve("model.safetensors"));
        try (StateDict sd = StateDict.open(tmp)) {
            assertEquals(List.of("albert.pooler.weight", "albert.pooler.bias", "classifier.weight", "classifier.bias",
                    "scalar", "empty"), sd.unusedKeys());
            sd.require("albert.pooler.bias", 1);
            sd.optional("classifier.weight", 1);
            assertEquals(List.of("albert.pooler.weight", "classifier.bias", "scalar", "empty"), sd.unusedKeys());
            INDArray scalar = sd.require("scalar");
            assertEquals(0, scalar.rank());
            assertEquals(1f, scalar.getFloat(0));
            INDArray empty = sd.require("empty", 0, 3);
            assertTrue(empty.isEmpty());
            assertArrayEquals(new long[]{0, 3}, empty.shape());
            assertEquals(List.of("albert.pooler.weight", "classifier.bias"), sd.unusedKeys());

            assertTrue(sd.contains("albert.embeddings.position_ids"));
            assertFails(() -> sd.require("albert.embeddings.position_ids", 1, 3), "'albert.embeddings.position_ids'",
                    "dtype I64", "not a floating-point type");
        }
    }

    @Test
    void sourceAndClose() {
        Path file = new SafetensorsWriter().f32("w", shape(1), 1f).write(tmp.resolve("x.safetensors"));
        StateDict sd = StateDict.of(SafetensorsFile.open(file), "my checkpoint");
        assertEquals("my checkpoint", sd.source());
        assertFails(() -> sd.require("nope", 1), "checkpoint my checkpoint has no tensor 'nope'");
        sd.close();
        sd.close();
        assertThrows(IllegalStateException.class, () -> sd.require("w", 1));
        assertFails(() -> StateDict.open(tmp.resolve("void")), "does not exist");
    }

    /** Reading many arrays in a row works without heap-sized copies: sizes far above the test heap are not needed. */
    @Test
    void requireAllOfEveryFixture() {
        for (String model : Fixtures.TINY_MODELS) {
            try (StateDict sd = StateDict.open(Fixtures.modelDir(model))) {
                List<String> keys = new ArrayList<>(sd.unusedKeys());
                for (String key : keys) {
                    assertNotNull(sd.require(key));
                }
                assertEquals(List.of(), sd.unusedKeys(), model);
            }
        }
    }
}
