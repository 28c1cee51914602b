package io.albert4j.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static io.albert4j.checkpoint.CheckpointTestSupport.read;
import static io.albert4j.checkpoint.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** pytorch_model.bin layouts torch.save produces, written by {@link TorchWriter} (checked against PyTorch 1.13). */
class TorchReaderTest {

    @TempDir
    Path tmp;

    private static TorchWriter mixed() {
        TorchWriter w = new TorchWriter();
        w.storage("0", SafetensorsWriter.f32Bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 4);
        w.tensor("whole", "FloatStorage", "0", 0, shape(3, 4), shape(4, 1));
        w.tensor("transposed", "FloatStorage", "0", 0, shape(4, 3), shape(1, 4));
        w.tensor("slice", "FloatStorage", "0", 5, shape(2, 2), shape(2, 1));
        w.tensor("column", "FloatStorage", "0", 2, shape(3, 1), shape(4, 1));
        w.tensor("scalar", "FloatStorage", "0", 11, shape(), shape());
        w.tensor("broadcast", "FloatStorage", "0", 3, shape(2, 3), shape(0, 1));
        w.storage("h", SafetensorsWriter.shortBytes((short) 0x3c00, (short) 0x0001, (short) 0xfc00, (short) 0x7bff), 2);
        w.tensor("half", "HalfStorage", "h", 0, shape(2, 2), shape(2, 1));
        w.storage("b", SafetensorsWriter.shortBytes((short) 0x3f80, (short) 0xc020, (short) 0x4049), 2);
        w.tensor("bf16", "BFloat16Storage", "b", 0, shape(3), shape(1));
        w.storage("d", SafetensorsWriter.f64Bytes(0.5, -3.25), 8);
        w.tensor("double", "DoubleStorage", "d", 0, shape(2), shape(1));
        w.storage("i", SafetensorsWriter.longBytes(0, 1, 2, 3), 8);
        w.tensor("albert.embeddings.position_ids", "LongStorage", "i", 0, shape(1, 4), shape(4, 1));
        return w;
    }

    private static void assertMixed(MappedCheckpoint r) {
        assertEquals(List.of("whole", "transposed", "slice", "column", "scalar", "broadcast", "half", "bf16", "double",
                "albert.embeddings.position_ids"), List.copyOf(r.tensors().keySet()));
        assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, read(r, "whole"));
        assertArrayEquals(new float[]{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, read(r, "transposed"));
        assertFalse(r.stored("transposed").isContiguous());
        assertArrayEquals(new float[]{5, 6, 7, 8}, read(r, "slice"));
        assertArrayEquals(new float[]{2, 6, 10}, read(r, "column"));
        assertArrayEquals(new float[]{11}, read(r, "scalar"));
        assertArrayEquals(new float[]{3, 4, 5, 3, 4, 5}, read(r, "broadcast"));
        assertArrayEquals(new float[]{1, 0x1p-24f, Float.NEGATIVE_INFINITY, 65504}, read(r, "half"));
        assertArrayEquals(new float[]{1, -2.5f, 3.140625f}, read(r, "bf16"));
        assertArrayEquals(new float[]{0.5f, -3.25f}, read(r, "double"));
        assertEquals(new TensorInfo("albert.embeddings.position_ids", DType.I64, new long[]{1, 4}),
                r.tensors().get("albert.embeddings.position_ids"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"zip", "zip64", "legacy"})
    void readsEveryLayout(String container) {
        TorchWriter w = mixed();
        byte[] bytes = switch (container) {
            case "zip" -> w.zip("archive", false);
            case "zip64" -> w.zip("some_other-dir.name", true);
            default -> w.legacy();
        };
        try (MappedCheckpoint r = TorchFile.open(TorchWriter.write(tmp.resolve(container + ".bin"), bytes))) {
            assertMixed(r);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void acceptsOrderedDictWithMetadataAndParameters(boolean legacy) {
        TorchWriter w = mixed();
        w.orderedDictWithMetadata = true;
        w.asParameters = true;
        byte[] bytes = legacy ? w.legacy() : w.zip("archive", false);
        try (MappedCheckpoint r = TorchFile.open(TorchWriter.write(tmp.resolve("od.bin"), bytes))) {
            assertMixed(r);
        }
    }

    @Test
    void readsLegacyStorageViews() {
        TorchWriter w = new TorchWriter();
        w.storage("root", SafetensorsWriter.f32Bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 4);
        // a 4-element view starting at element 3 of the root storage; the tensor starts 1 into the view
        w.tensor("v", "FloatStorage", "root", 1, shape(3), shape(1));
        w.legacyViews.put("v", new long[]{3, 4});
        try (MappedCheckpoint r = TorchFile.open(TorchWriter.write(tmp.resolve("views.bin"), w.legacy()))) {
            assertArrayEquals(new float[]{4, 5, 6}, read(r, "v"));
        }
        w.legacyViews.put("v", new long[]{7, 4});
        CheckpointTestSupport.assertFails(() -> TorchFile.open(TorchWriter.write(tmp.resolve("badview.bin"), w.legacy())),
                "storage view [7, +4)", "'root' of 10 elements");
    }
}
