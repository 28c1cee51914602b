package io.albert4j.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reduced-precision linear layer against plain scalar references: the Java quantization
 * kernels against double-precision rounding, and oneDNN's int8 and bf16 GEMMs against exact
 * integer / double dot products of the same quantized or rounded operands.
 */
class QuantizedKernelsTest {
    @Test
    void quantizeRowsRoundsEachRowToItsOwnScale() {
        int rows = 37;
        int cols = 50;
        float[] x = gaussian(rows * cols, 1f, 1);
        x[3 * cols + 7] = 40f;                  // an outlier sets its row's scale
        java.util.Arrays.fill(x, 5 * cols, 6 * cols, 0f); // an all-zero row
        ByteBuffer q = ByteBuffer.allocateDirect(rows * cols);
        float[] scales = new float[rows];
        QuantizedKernels.quantizeRows(FloatBuffer.wrap(x), rows, cols, q, scales);
        for (int r = 0; r < rows; r++) {
            double maxAbs = 0;
            for (int c = 0; c < cols; c++) {
                maxAbs = Math.max(maxAbs, Math.abs(x[r * cols + c]));
            }
            double scale = maxAbs == 0 ? 1 : maxAbs / 127;
            assertEquals(scale, scales[r], 1e-6 * scale, "scale of row " + r);
            for (int c = 0; c < cols; c++) {
                double exact = x[r * cols + c] / scale;
                int got = q.get(r * cols + c);
                // float and double rounding may disagree only on a value within float error of .5
                assertTrue(got == Math.round(exact) || Math.abs(Math.abs(exact - Math.floor(exact)) - 0.5) < 1e-4,
                        "q[" + r + ", " + c + "] = " + got + " for " + exact);
                assertTrue(Math.abs(got) <= 127);
            }
        }
        assertEquals(127, q.get(3 * cols + 7));
    }

    @Test
    void aNonFiniteRowGivesANonFiniteScaleNotAFiniteGuess() {
        float[] x = {1f, Float.NaN, 2f, 3f, Float.POSITIVE_INFINITY, 4f};
        float[] scales = new float[2];
        QuantizedKernels.quantizeRows(FloatBuffer.wrap(x), 2, 3, ByteBuffer.allocateDirect(6), scales);
        assertTrue(Float.isNaN(scales[0]));
        assertTrue(Float.isNaN(scales[1]));
    }

    @Test
    void scaleRowsMultipliesEachRow() {
        float[] y = {1f, 2f, 3f, 4f, 5f, 6f};
        QuantizedKernels.scaleRows(FloatBuffer.wrap(y), 2, 3, new float[] {0.5f, -2f});
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0.5f, 1f, 1.5f, -8f, -10f, -12f}, y);
    }

    @ParameterizedTest(name = "int8 {0}x{1}x{2}")
    @CsvSource({"1,8,4", "7,32,48", "128,96,300", "300,128,64", "16,768,37"})
    void int8ProjectionIsTheExactIntegerProductRescaled(int rows, int in, int out) {
        float[] w = gaussian(out * in, 0.05f, 2);
        float[] x = gaussian(rows * in, 1f, 3);
        {
            QuantizedLinear linear = new QuantizedLinear(array(w, out, in), Precision.INT8, a -> a);
            INDArray result = Kernels.allocate(rows, out);
            linear.projectInto(array(x, rows, in), result);
            if (isFloat32Product(x, w, rows, in, out, result)) {
                return; // a shape whose oneDNN kernel failed its probe runs the float32 fallback
            }

            float[] weightScales = new float[out];
            byte[] qw = QuantizedKernels.quantizeWeights(w, out, in, weightScales);
            ByteBuffer qx = ByteBuffer.allocateDirect(rows * in);
            float[] rowScales = new float[rows];
            QuantizedKernels.quantizeRows(FloatBuffer.wrap(x), rows, in, qx, rowScales);
            float[] got = result.data().asFloat();
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    long dot = 0;
                    double exactFloat = 0;
                    double errorBound = 0; // |x - qx·sx| <= sx/2, |w - qw·sw| <= sw/2, summed over the products
                    for (int i = 0; i < in; i++) {
                        dot += (long) qx.get(r * in + i) * qw[o * in + i];
                        exactFloat += (double) x[r * in + i] * w[o * in + i];
                        errorBound += rowScales[r] / 2 * Math.abs(w[o * in + i]) + weightScales[o] / 2 * Math.abs(x[r * in + i])
                                + rowScales[r] * weightScales[o] / 4;
                    }
                    double expected = dot * (double) weightScales[o] * rowScales[r];
                    assertEquals(expected, got[r * out + o], 1e-5 * Math.max(1, Math.abs(expected)),
                            "[" + r + ", " + o + "]");
                    assertEquals(exactFloat, got[r * out + o], errorBound * 1.001 + 1e-6, "vs float32 [" + r + ", " + o + "]");
                }
            }
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        for (float v : new float[] {1f, 1.00390625f, 1.01171875f, -3.14159f, 1e-30f, 65504.5f, 0.1f}) {
            assertEquals(bf16(v), QuantizedKernels.bf16(v), "bf16(" + v + ")");
        }
        assertEquals(1f, QuantizedKernels.bf16(1.00390625f));        // tie, even stays
        assertEquals(1.015625f, QuantizedKernels.bf16(1.01171875f)); // tie, odd rounds up
    }

    /** Row counts and widths around oneDNN 2.5.2's broken 32 < N < 64 brgemm shapes (falls back to float32 there). */
    @ParameterizedTest(name = "bf16 {0}x{1}x{2}")
    @CsvSource({"1,8,4", "7,32,48", "128,96,300", "16,768,37"})
    void bf16ProjectionIsTheProductOfRoundedOperands(int rows, int in, int out) {
        float[] w = gaussian(out * in, 0.05f, 4);
        float[] x = gaussian(rows * in, 1f, 5);
        {
            QuantizedLinear linear = new QuantizedLinear(array(w, out, in), Precision.BF16, a -> a);
            INDArray result = Kernels.allocate(rows, out);
            linear.projectInto(array(x, rows, in), result);
            if (isFloat32Product(x, w, rows, in, out, result)) {
                return; // a shape whose oneDNN kernel failed its probe runs the float32 fallback
            }
            float[] got = result.data().asFloat();
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double dot = 0;
                    double magnitude = 0;
                    for (int i = 0; i < in; i++) {
                        double term = (double) bf16(x[r * in + i]) * bf16(w[o * in + i]);
                        dot += term;
                        magnitude += Math.abs(term);
                    }
                    // float32 accumulation in another order: a few ulps of the terms' total
                    assertEquals(dot, got[r * out + o], 1e-6 * magnitude + 1e-7, "[" + r + ", " + o + "]");
                }
            }
        }
    }

    /** Round-to-nearest-even to bfloat16, written out independently of QuantizedKernels.bf16. */
    static float bf16(float v) {
        int low = Float.floatToRawIntBits(v) & 0xFFFF0000;  // toward zero
        int high = low + 0x10000;                            // the next bfloat16 away from zero
        double toLow = Math.abs((double) v - Float.intBitsToFloat(low));
        double toHigh = Math.abs((double) Float.intBitsToFloat(high) - v);
        if (toLow != toHigh) {
            return Float.intBitsToFloat(toLow < toHigh ? low : high);
        }
        return Float.intBitsToFloat((low & 0x10000) == 0 ? low : high);
    }

    /**
     * Whether the result is the float32 product to float32 rounding (1e-5), which the reduced
     * products (errors of 1e-3 and more at these sizes) never are: the fallback ran.
     */
    private static boolean isFloat32Product(float[] x, float[] w, int rows, int in, int out, INDArray result) {
        float[] got = result.data().asFloat();
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double dot = 0;
                for (int i = 0; i < in; i++) {
                    dot += (double) x[r * in + i] * w[o * in + i];
                }
                if (Math.abs(dot - got[r * out + o]) > 1e-5) {
                    return false;
                }
            }
        }
        return true;
    }

    private static INDArray array(float[] data, int rows, int cols) {
        return Nd4j.create(data.clone(), new long[] {rows, cols}, 'c');
    }

    private static float[] gaussian(int n, float sd, long seed) {
        Random random = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * sd);
        }
        return a;
    }
}
