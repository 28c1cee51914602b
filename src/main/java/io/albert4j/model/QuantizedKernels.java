package io.albert4j.model;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The Java side of {@link Precision#INT8}: symmetric quantization of weights (per output channel,
 * once at load) and of activations (per row, every call), and the per-row rescaling of oneDNN's
 * int32 products. Loops over one row's {@code float[]} as in {@link Kernels}, rows split over
 * {@link Parallelism#threads()}. {@code QuantizedKernelsTest} checks them and the oneDNN GEMM they
 * feed against plain scalar references.
 *
 * <p>Stateless; thread-safe as long as callers pass distinct output buffers.
 */
final class QuantizedKernels {
    /** The largest int8 magnitude used: symmetric, so -128 is never produced. */
    static final float INT8_MAX = 127f;
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private QuantizedKernels() {
    }

    /**
     * The symmetric scale of values whose largest magnitude is {@code maxAbs}: 1 for all-zero rows,
     * NaN for a row holding NaN or infinity, so that the rescaled products are NaN as in float32
     * instead of silently finite.
     */
    static float scaleOf(float maxAbs) {
        if (!Float.isFinite(maxAbs)) {
            return Float.NaN;
        }
        return maxAbs > 0f ? maxAbs / INT8_MAX : 1f;
    }

    /** round(v / scale), clamped to [-127, 127] (rounding can reach 127.5 at most; NaN gives 0). */
    static byte quantize(float v, float inverseScale) {
        int q = Math.round(v * inverseScale);
        return (byte) Math.max(-127, Math.min(127, q));
    }

    /**
     * Quantizes each row of {@code x} [rows, cols] to int8 in {@code q} [rows, cols] with its own
     * scale, written to {@code scales} [rows]: x[r, c] ≈ q[r, c]·scales[r]. Row-parallel.
     */
    static void quantizeRows(FloatBuffer x, int rows, int cols, ByteBuffer q, float[] scales) {
        Parallelism.forRange(rows, Math.max(1, GRAIN_ELEMENTS / cols), (from, to) -> {
            float[] row = new float[cols];
            byte[] quantized = new byte[cols];
            for (int r = from; r < to; r++) {
                x.get(r * cols, row, 0, cols);
                float scale = scaleOf(maxAbs(row));
                scales[r] = scale;
                quantizeRow(row, 1f / scale, quantized);
                q.put(r * cols, quantized, 0, cols);
            }
        });
    }

    /** Multiplies each row of {@code y} [rows, cols] by {@code scales[row]}, in place. Row-parallel. */
    static void scaleRows(FloatBuffer y, int rows, int cols, float[] scales) {
        Parallelism.forRange(rows, Math.max(1, GRAIN_ELEMENTS / cols), (from, to) -> {
            float[] row = new float[cols];
            for (int r = from; r < to; r++) {
                y.get(r * cols, row, 0, cols);
                float s = scales[r];
                for (int c = 0; c < cols; c++) {
                    row[c] *= s;
                }
                y.put(r * cols, row, 0, cols);
            }
        });
    }

    /**
     * Per-output-channel quantization of a [out, in] weight: returns the int8 weights (same layout)
     * and fills {@code scales} [out].
     */
    static byte[] quantizeWeights(float[] weight, int out, int in, float[] scales) {
        byte[] q = new byte[out * in];
        float[] row = new float[in];
        byte[] quantized = new byte[in];
        for (int o = 0; o < out; o++) {
            System.arraycopy(weight, o * in, row, 0, in);
            scales[o] = scaleOf(maxAbs(row));
            quantizeRow(row, 1f / scales[o], quantized);
            System.arraycopy(quantized, 0, q, o * in, in);
        }
        return q;
    }

    /** x rounded to the nearest bfloat16 (ties to even), as oneDNN converts float32; NaN stays NaN. */
    static float bf16(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        int bits = Float.floatToRawIntBits(x);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }

    static float maxAbs(float[] row) {
        float m = 0f;
        for (float v : row) {
            m = Math.max(m, Math.abs(v)); // Math.max propagates NaN
        }
        return m;
    }

    private static void quantizeRow(float[] row, float inverseScale, byte[] out) {
        for (int c = 0; c < row.length; c++) {
            out[c] = quantize(row[c], inverseScale);
        }
    }
}
