package io.albert4j.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Test utility: writes small safetensors files (header JSON + data), valid or deliberately not. */
final class SafetensorsWriter {
    private record Tensor(String key, String dtype, long[] shape, byte[] data) {
    }

    private final List<Tensor> tensors = new ArrayList<>();
    private String metadata = "{\"format\":\"pt\"}";

    SafetensorsWriter add(String key, String dtype, long[] shape, byte[] data) {
        tensors.add(new Tensor(key, dtype, shape, data));
        return this;
    }

    SafetensorsWriter f32(String key, long[] shape, float... values) {
        return add(key, "F32", shape, f32Bytes(values));
    }

    SafetensorsWriter f16(String key, long[] shape, short... bits) {
        return add(key, "F16", shape, shortBytes(bits));
    }

    SafetensorsWriter bf16(String key, long[] shape, short... bits) {
        return add(key, "BF16", shape, shortBytes(bits));
    }

    SafetensorsWriter metadata(String json) {
        metadata = json;
        return this;
    }

    /** The header this writer would produce, with data_offsets laid out back to back. */
    String header() {
        StringBuilder sb = new StringBuilder("{");
        if (metadata != null) {
            sb.append("\"__metadata__\":").append(metadata);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(t.key).append("\":{\"dtype\":\"").append(t.dtype).append("\",\"shape\":")
                    .append(Arrays.stream(t.shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]")))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + t.data.length).append("]}");
            offset += t.data.length;
        }
        return sb.append('}').toString();
    }

    byte[] data() {
        int n = tensors.stream().mapToInt(t -> t.data.length).sum();
        ByteBuffer b = ByteBuffer.allocate(n);
        tensors.forEach(t -> b.put(t.data));
        return b.array();
    }

    Path write(Path file) {
        return writeRaw(file, header(), data());
    }

    /** header length (8 bytes LE) + header + data, as given. */
    static Path writeRaw(Path file, String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return writeRaw(file, h.length, h, data);
    }

    static Path writeRaw(Path file, long declaredHeaderLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredHeaderLength).put(header).put(data);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] f32Bytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] f64Bytes(double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    static byte[] shortBytes(short... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            b.putShort(v);
        }
        return b.array();
    }

    static byte[] longBytes(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    static long[] shape(long... dims) {
        return dims;
    }
}
