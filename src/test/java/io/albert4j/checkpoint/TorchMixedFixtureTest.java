package io.albert4j.checkpoint;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static io.albert4j.checkpoint.CheckpointTestSupport.assertFails;
import static io.albert4j.checkpoint.CheckpointTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files written by PyTorch 1.13 itself (src/test/resources/checkpoint/make_torch_mixed.py): every
 * float dtype, a transposed view and an offset view of one storage, and an int64 buffer.
 */
class TorchMixedFixtureTest {

    @ParameterizedTest
    @ValueSource(strings = {"torch-mixed.bin", "torch-mixed-legacy.bin"})
    void readsEveryDtypeAndView(String name) {
        Path file = CheckpointTestSupport.resource("checkpoint/" + name);
        try (MappedCheckpoint reader = TorchFile.open(file)) {
            assertEquals(List.of("f32", "f16", "bf16", "f64", "transposed", "offset", "embeddings.position_ids"),
                    List.copyOf(reader.tensors().keySet()));
            assertEquals(new TensorInfo("f32", DType.F32, new long[]{2, 3}), reader.tensors().get("f32"));
            assertEquals(DType.F16, reader.tensors().get("f16").dtype());
            assertEquals(DType.BF16, reader.tensors().get("bf16").dtype());
            assertEquals(DType.F64, reader.tensors().get("f64").dtype());
            assertEquals(new TensorInfo("embeddings.position_ids", DType.I64, new long[]{1, 5}),
                    reader.tensors().get("embeddings.position_ids"));

            assertArrayEquals(new float[]{1.5f, -2.25f, 3f, 4f, 5f, 6f}, read(reader, "f32"));
            assertArrayEquals(new float[]{1f, -2f, 65504f, 0x1p-24f, 0.333251953125f, Float.POSITIVE_INFINITY},
                    read(reader, "f16"));
            assertArrayEquals(new float[]{1f, -2.5f, 3.140625f, Float.NEGATIVE_INFINITY}, read(reader, "bf16"));
            assertArrayEquals(new float[]{0.1f, -1e10f}, read(reader, "f64"));

            assertFalse(reader.stored("transposed").isContiguous());
            assertArrayEquals(new float[]{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, read(reader, "transposed"));
            assertTrue(reader.stored("offset").isContiguous());
            assertArrayEquals(new float[]{5, 6, 7, 8}, read(reader, "offset"));

            assertFails(() -> read(reader, "embeddings.position_ids"), name, "embeddings.position_ids", "I64");
        }
    }
}
