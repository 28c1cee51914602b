package io.albert4j.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.albert4j.checkpoint.CheckpointTestSupport.assertFails;
import static io.albert4j.checkpoint.CheckpointTestSupport.read;
import static io.albert4j.checkpoint.CheckpointTestSupport.readChunked;
import static io.albert4j.checkpoint.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsReaderTest {

    @TempDir
    Path tmp;

    @Test
    void readsF32F16Bf16F64AndListsIntegerBuffers() {
        Path file = new SafetensorsWriter()
                .f32("a.f32", shape(2, 2), 1.5f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE)
                .f16("a.f16", shape(10),
                        (short) 0x3c00,  // 1
                        (short) 0xc000,  // -2
                        (short) 0x7bff,  // 65504, the largest finite half
                        (short) 0x0001,  // 2^-24, the smallest subnormal
                        (short) 0x83ff,  // -1023 * 2^-24, the largest negative subnormal
                        (short) 0x0400,  // 2^-14, the smallest normal
                        (short) 0x7c00,  // +inf
                        (short) 0xfc00,  // -inf
                        (short) 0x8000,  // -0
                        (short) 0x3555)  // 0.333251953125
                .bf16("a.bf16", shape(1, 5), (short) 0x3f80, (short) 0xc020, (short) 0x4049, (short) 0xff80,
                        (short) 0x0001)
                .add("a.f64", "F64", shape(2), SafetensorsWriter.f64Bytes(0.1, -1e300))
                .add("embeddings.position_ids", "I64", shape(1, 3), SafetensorsWriter.longBytes(0, 1, 2))
                .add("scalar", "F32", shape(), SafetensorsWriter.f32Bytes(42f))
                .add("empty", "F16", shape(0, 4), new byte[0])
                .write(tmp.resolve("model.safetensors"));
        try (MappedCheckpoint reader = SafetensorsFile.open(file)) {
            assertEquals(List.of("a.f32", "a.f16", "a.bf16", "a.f64", "embeddings.position_ids", "scalar", "empty"),
                    List.copyOf(reader.tensors().keySet()), "__metadata__ is not a tensor; header order kept");
            assertEquals(new TensorInfo("a.bf16", DType.BF16, new long[]{1, 5}), reader.tensors().get("a.bf16"));
            assertArrayEquals(new float[]{1.5f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE}, read(reader, "a.f32"));
            float[] f16 = read(reader, "a.f16");
            assertArrayEquals(new float[]{1f, -2f, 65504f, 0x1p-24f, -1023 * 0x1p-24f, 0x1p-14f,
                    Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0.333251953125f}, f16);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(f16[8]), "negative zero keeps its sign");
            assertArrayEquals(new float[]{1f, -2.5f, 3.140625f, Float.NEGATIVE_INFINITY, 0x1p-133f}, read(reader, "a.bf16"));
            assertArrayEquals(new float[]{0.1f, Float.NEGATIVE_INFINITY}, read(reader, "a.f64"));
            assertArrayEquals(new float[]{42f}, read(reader, "scalar"));
            assertEquals(0, read(reader, "empty").length);

            assertEquals(DType.I64, reader.tensors().get("embeddings.position_ids").dtype());
            assertFails(() -> read(reader, "embeddings.position_ids"),
                    file.toString(), "'embeddings.position_ids'", "I64", "cannot be read as float32");
            assertFails(() -> reader.readFloat32("nope", FloatBuffer.allocate(4)), file.toString(), "no tensor 'nope'");
        }
    }

    @Test
    void halfToFloatIsExactForEveryBitPattern() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float actual = StoredTensor.halfToFloat((short) bits);
            int sign = (bits >>> 15) == 0 ? 1 : -1;
            int exponent = (bits >>> 10) & 0x1f;
            int mantissa = bits & 0x3ff;
            if (exponent == 0x1f) {
                if (mantissa == 0) {
                    assertEquals(sign * Float.POSITIVE_INFINITY, actual, "bits " + Integer.toHexString(bits));
                } else {
                    assertTrue(Float.isNaN(actual), "bits " + Integer.toHexString(bits));
                }
                continue;
            }
            double magnitude = exponent == 0
                    ? mantissa * Math.pow(2, -24)
                    : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            double expected = Math.copySign(magnitude, sign);
            assertEquals(Float.floatToRawIntBits((float) expected), Float.floatToRawIntBits(actual),
                    "bits " + Integer.toHexString(bits));
            assertEquals(expected, actual, 0.0, "exact for bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void honoursTheDestinationsByteOrderAndPosition() {
        Path file = new SafetensorsWriter().f32("w", shape(3), 1f, 2f, 3f)
                .bf16("b", shape(2), (short) 0x4000, (short) 0x4040)
                .write(tmp.resolve("order.safetensors"));
        try (MappedCheckpoint reader = SafetensorsFile.open(file)) {
            for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
                FloatBuffer dst = ByteBuffer.allocateDirect(6 * 4).order(order).asFloatBuffer();
                dst.put(-7f);
                reader.readFloat32("w", dst);
                reader.readFloat32("b", dst);
                assertEquals(6, dst.position());
                float[] all = new float[6];
                dst.flip().get(all);
                assertArrayEquals(new float[]{-7f, 1f, 2f, 3f, 2f, 3f}, all, order.toString());
            }
            FloatBuffer small = FloatBuffer.allocate(2);
            assertThrows(IllegalArgumentException.class, () -> reader.readFloat32("w", small));
        }
    }

    @Test
    void copiesInChunksOfAnySize() {
        int n = 1000;
        float[] values = new float[n];
        short[] halves = new short[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 0.25f - 17f;
            halves[i] = (short) (0x3c00 + i);
        }
        Path file = new SafetensorsWriter().f32("f", shape(10, 100), values).f16("h", shape(n), halves)
                .write(tmp.resolve("chunks.safetensors"));
        try (MappedCheckpoint reader = SafetensorsFile.open(file)) {
            float[] expectedHalves = read(reader, "h");
            for (long chunk : new long[]{1, 2, 3, 4, 7, 64, 4000, 4004}) {
                assertArrayEquals(values, readChunked(reader, "f", chunk), "chunk " + chunk);
                assertArrayEquals(expectedHalves, readChunked(reader, "h", chunk), "chunk " + chunk);
            }
            assertEquals(1f, expectedHalves[0]);
            assertEquals(1f + 999 / 1024f, expectedHalves[999]);
        }
    }

    /** Offsets past 2^31 and 2^32 (a sparse file: it takes no disk space). */
    @Test
    void readsTensorsBeyondFourGigabytes() throws IOException {
        long far = (1L << 32) + 12345;
        long straddle = (1L << 31) - 6; // a tensor crossing the 2 GB boundary of the file
        float[] a = {1f, 2f, 3f, 4f};
        float[] b = {-5f, 6.5f, 7f};
        // U8 filler tensors make the tensors tile the data area, as the format requires
        String header = "{\"straddle\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + straddle + ","
                + (straddle + 16) + "]},\"far\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[" + far + ","
                + (far + 12) + "]},\"fill0\":{\"dtype\":\"U8\",\"shape\":[" + straddle + "],\"data_offsets\":[0,"
                + straddle + "]},\"fill1\":{\"dtype\":\"U8\",\"shape\":[" + (far - straddle - 16)
                + "],\"data_offsets\":[" + (straddle + 16) + "," + far + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path file = tmp.resolve("huge.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long dataStart = 8 + h.length;
            raf.setLength(dataStart + far + 12);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            raf.write(h);
            raf.seek(dataStart + straddle);
            raf.write(SafetensorsWriter.f32Bytes(a));
            raf.seek(dataStart + far);
            raf.write(SafetensorsWriter.f32Bytes(b));
        }
        assertTrue(Files.size(file) > (1L << 32));
        try (MappedCheckpoint reader = SafetensorsFile.open(file)) {
            assertArrayEquals(a, read(reader, "straddle"));
            assertArrayEquals(b, read(reader, "far"));
            assertArrayEquals(a, readChunked(reader, "straddle", 8));
        }
    }

    @Test
    void closedReaderRefusesToRead() {
        Path file = new SafetensorsWriter().f32("w", shape(1), 1f).write(tmp.resolve("c.safetensors"));
        MappedCheckpoint reader = SafetensorsFile.open(file);
        reader.close();
        reader.close();
        assertThrows(IllegalStateException.class, () -> read(reader, "w"));
    }
}
