package io.albert4j.model;

import io.albert4j.config.Activation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each fast kernel against its double-precision scalar reference in {@link ReferenceKernels}. */
class KernelsTest {
    private final Random random = new Random(7);

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(2);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void biasActivationMatchesReference(Activation activation) {
        for (int threads : new int[] {1, 2}) {
            Parallelism.setThreads(threads);
            float[][] x = matrix(67, 301, 4f); // odd sizes: vector tails; wide range: saturated tanh
            x[0][0] = 0f;
            x[0][1] = 30f;
            x[0][2] = -30f;
            x[0][3] = 1e-6f;
            float[] bias = vector(301, 1f);
            bias[0] = bias[1] = bias[2] = bias[3] = 0f;
            INDArray a = Nd4j.create(x);
            Kernels.addBiasActivation(a, bias, activation);
            assertClose(ReferenceKernels.addBiasActivation(x, bias, activation), a.toFloatMatrix(), 2e-6, 2e-6,
                    activation + " threads " + threads);
        }
    }

    @Test
    void biasOnlyMatchesReference() {
        float[][] x = matrix(33, 129, 3f);
        float[] bias = vector(129, 1f);
        INDArray a = Nd4j.create(x);
        Kernels.addBias(a, bias);
        assertClose(ReferenceKernels.addBiasActivation(x, bias, Activation.LINEAR), a.toFloatMatrix(), 1e-7, 1e-7, "bias");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void residualLayerNormMatchesReference(int threads) {
        Parallelism.setThreads(threads);
        int rows = 131;
        int n = 768;
        float[][] y = matrix(rows, n, 2f);
        float[][] residual = matrix(rows, n, 3f);
        float[] bias = vector(n, 0.5f);
        float[] gamma = vector(n, 1f);
        float[] beta = vector(n, 0.2f);
        double[][] expected = ReferenceKernels.addBiasResidualLayerNorm(y, bias, residual, gamma, beta, 1e-12);
        INDArray out = Kernels.allocate(rows, n);
        Kernels.addBiasResidualLayerNorm(Nd4j.create(y), bias, Nd4j.create(residual), gamma, beta, 1e-12f, out);
        assertClose(expected, out.toFloatMatrix(), 1e-5, 1e-5, "separate out");
        INDArray inPlace = Nd4j.create(y);
        Kernels.addBiasResidualLayerNorm(inPlace, bias, Nd4j.create(residual), gamma, beta, 1e-12f, inPlace);
        assertClose(expected, inPlace.toFloatMatrix(), 1e-5, 1e-5, "out = y");
        INDArray res = Nd4j.create(residual);
        Kernels.addBiasResidualLayerNorm(Nd4j.create(y), bias, res, gamma, beta, 1e-12f, res);
        assertClose(expected, res.toFloatMatrix(), 1e-5, 1e-5, "out = residual");
    }

    @Test
    void layerNormMatchesReference() {
        float[][] x = matrix(40, 128, 5f);
        float[] gamma = vector(128, 1f);
        float[] beta = vector(128, 1f);
        double[][] expected = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            double[] row = new double[128];
            for (int j = 0; j < 128; j++) {
                row[j] = x[r][j];
            }
            expected[r] = ReferenceKernels.layerNorm(row, gamma, beta, 1e-12);
        }
        INDArray a = Nd4j.create(x);
        Kernels.layerNorm(a, gamma, beta, 1e-12f);
        assertClose(expected, a.toFloatMatrix(), 1e-5, 1e-5, "layerNorm");
    }

    @Test
    void expAndTanhApproximations() {
        float[] row = new float[1];
        double worstExp = 0;
        for (float x = 0f; x > -87f; x -= 0.00137f) {
            double e = Math.exp(x);
            worstExp = Math.max(worstExp, Math.abs(expNonPositive(x) - e) / e);
        }
        assertTrue(worstExp < 2e-7, "exp relative error " + worstExp);
        assertEquals(0f, expNonPositive(-Float.MAX_VALUE));
        assertEquals(0f, expNonPositive(-100.5f));
        assertEquals(1f, expNonPositive(0f));
        double worstTanh = 0;
        for (float x = -12f; x < 12f; x += 0.00131f) {
            worstTanh = Math.max(worstTanh, Math.abs(Kernels.tanhRational(x) - Math.tanh(x)));
        }
        assertTrue(worstTanh < 5e-7, "tanh absolute error " + worstTanh);
        assertEquals(1f, Kernels.tanhRational(1e30f));
        assertEquals(-1f, Kernels.tanhRational(-1e30f));
    }

    @Test
    void embedMatchesReference() {
        int e = 128;
        float[][] word = matrix(50, e, 1f);
        float[][] position = matrix(20, e, 1f);
        float[][] type = matrix(2, e, 1f);
        float[] gamma = vector(e, 1f);
        float[] beta = vector(e, 0.1f);
        int seq = 9;
        int[] ids = new int[3 * seq];
        int[] types = new int[3 * seq];
        for (int r = 0; r < ids.length; r++) {
            ids[r] = random.nextInt(50);
            types[r] = random.nextInt(2);
        }
        INDArray out = Kernels.allocate(ids.length, e);
        Kernels.embed(Nd4j.create(word), Nd4j.create(position), Nd4j.create(type), ids, types, seq,
                gamma, beta, 1e-12f, out);
        assertClose(ReferenceKernels.embed(word, position, type, ids, types, seq, gamma, beta, 1e-12),
                out.toFloatMatrix(), 1e-5, 1e-5, "embed");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void attentionMatchesReference(int threads) {
        Parallelism.setThreads(threads);
        int batch = 4;
        int seq = 9;
        int heads = 3;
        int headSize = 5;
        int[][] mask = new int[batch][seq];
        java.util.Arrays.fill(mask[0], 1);                 // no padding
        java.util.Arrays.fill(mask[1], 0, 4, 1);           // trailing padding
        for (int j = 0; j < seq; j++) {
            mask[2][j] = j % 3 == 0 ? 0 : 1;                // masked keys inside the sequence
        }
        // mask[3]: every key masked: uniform weights over all keys, as in PyTorch
        float[][] qkv = matrix(batch * seq, 3 * heads * headSize, 3f);
        double scale = 1 / Math.sqrt(headSize);
        double[][] expected = ReferenceKernels.attention(qkv, mask, heads, headSize, scale);
        INDArray fused = Nd4j.create(qkv);
        // in two chunks of sequences, as AlbertAttention runs large batches
        INDArray merged = Kernels.allocate(batch * seq, heads * headSize);
        INDArray scores = Kernels.allocate(3L * heads, seq, seq);
        INDArray tail = Kernels.allocate(heads, seq, seq);
        Kernels.attention(fused, additive(mask), 0, 3, heads, headSize, (float) scale, scores, merged);
        Kernels.attention(fused, additive(mask), 3, 1, heads, headSize, (float) scale, tail, merged);
        assertClose(expected, merged.toFloatMatrix(), 1e-5, 1e-5, "attention");
        assertEquals(qkv.length * qkv[0].length, fused.length(), "qkv is read, not resized");
        assertArrayEquals(qkv, fused.toFloatMatrix(), "qkv is read, not written");
    }

    /** exp(x) for x ≤ 0 by {@link Kernels#expShifted}, the loop the softmax runs, on a one-element row. */
    private static float expNonPositive(float x) {
        float[] one = {x};
        Kernels.expShifted(one, 1, 0f, new float[1], new float[1]);
        return one[0];
    }

    static float[][] additive(int[][] mask) {
        float[][] out = new float[mask.length][mask[0].length];
        for (int r = 0; r < mask.length; r++) {
            for (int j = 0; j < mask[r].length; j++) {
                out[r][j] = mask[r][j] != 0 ? 0f : Kernels.MASKED;
            }
        }
        return out;
    }

    private float[][] matrix(int rows, int cols, float range) {
        float[][] m = new float[rows][];
        for (int r = 0; r < rows; r++) {
            m[r] = vector(cols, range);
        }
        return m;
    }

    private float[] vector(int n, float range) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (random.nextFloat() * 2 - 1) * range;
        }
        return v;
    }

    /** |expected - actual| ≤ abs + rel·|expected| everywhere. */
    static void assertClose(double[][] expected, float[][] actual, double rel, double abs, String what) {
        assertEquals(expected.length, actual.length, what + ": rows");
        for (int r = 0; r < expected.length; r++) {
            assertEquals(expected[r].length, actual[r].length, what + ": row " + r + " length");
            for (int j = 0; j < expected[r].length; j++) {
                double tolerance = abs + rel * Math.abs(expected[r][j]);
                if (Math.abs(expected[r][j] - actual[r][j]) > tolerance) {
                    throw new AssertionError(what + " [" + r + "," + j + "]: expected " + expected[r][j]
                            + ", found " + actual[r][j]);
                }
            }
        }
    }
}
