package io.albert4j.model;

import io.albert4j.config.Activation;
import io.albert4j.config.Erf;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * The hand-written float32 kernels of the forward pass: fused where ND4J would make several passes
 * (bias + activation, bias + residual + LayerNorm, scale + mask + softmax), and written out where
 * ND4J 1.0.0-M2.1 is wrong (its LayerNorm has no epsilon, its gelu is x·sigmoid(1.702x)).
 * Each kernel works on whole, c-ordered, non-view float arrays through their direct buffers: it
 * bulk-copies a row into a {@code float[]}, computes there in call- and branch-free loops that C2
 * unrolls and vectorises (AVX2), writes the row back, and splits the rows over
 * {@link Parallelism#threads()} threads. {@code KernelsTest} checks each against the plain
 * double-precision {@code ReferenceKernels}.
 *
 * <p>Stateless; thread-safe as long as callers pass distinct output arrays.
 */
final class Kernels {
    /** Hugging Face's additive mask value for padding keys: torch.finfo(float32).min. */
    static final float MASKED = -Float.MAX_VALUE;

    private Kernels() {
    }

    /** A new uninitialised c-ordered float32 array. */
    static INDArray allocate(long... shape) {
        return Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
    }

    /** The direct float view of a whole c-ordered array. */
    static FloatBuffer floats(INDArray a) {
        if (a.isView() || a.ordering() != 'c' || a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("kernel needs a whole c-ordered float array, got "
                    + a.shapeInfoToString());
        }
        return a.data().asNioFloat();
    }

    /** Elements per parallel part below which a kernel stays on the calling thread. */
    private static final int GRAIN = 1 << 15;

    /** Rows per parallel part for rows of n elements. */
    private static int grain(int n) {
        return Math.max(1, GRAIN / Math.max(1, n));
    }

    /** x[r, :] = act(x[r, :] + bias), in place. x: [rows, n]; bias: [n]. Row-parallel. */
    static void addBiasActivation(INDArray x, float[] bias, Activation activation) {
        FloatBuffer data = floats(x);
        int n = bias.length;
        int rows = (int) (x.length() / n);
        Parallelism.forRange(rows, grain(n), (from, to) -> {
            float[] row = new float[n];
            for (int r = from; r < to; r++) {
                data.get(r * n, row, 0, n);
                activateRow(activation, row, bias);
                data.put(r * n, row, 0, n);
            }
        });
    }

    /** row[j] = act(row[j] + bias[j]); the tanh-GELU loop has no calls, so C2 vectorises it. */
    static void activateRow(Activation activation, float[] row, float[] bias) {
        int n = row.length;
        switch (activation) {
            case GELU_NEW, GELU_FAST, GELU_PYTORCH_TANH -> {
                for (int j = 0; j < n; j++) {
                    float v = row[j] + bias[j];
                    float t = tanhRational(0.7978845608028654f * (v + 0.044715f * v * v * v));
                    row[j] = 0.5f * v * (1f + t);
                }
            }
            case RELU -> {
                for (int j = 0; j < n; j++) {
                    row[j] = Math.max(0f, row[j] + bias[j]);
                }
            }
            case LINEAR -> {
                for (int j = 0; j < n; j++) {
                    row[j] += bias[j];
                }
            }
            case TANH -> {
                for (int j = 0; j < n; j++) {
                    row[j] = tanhRational(row[j] + bias[j]);
                }
            }
            default -> {
                for (int j = 0; j < n; j++) {
                    row[j] = activate(activation, row[j] + bias[j]);
                }
            }
        }
    }

    /** x[r, :] += bias, in place. x: [rows, n]; bias: [n]. */
    static void addBias(INDArray x, float[] bias) {
        addBiasActivation(x, bias, Activation.LINEAR);
    }

    /**
     * out[r, :] = LayerNorm(y[r, :] + bias + residual[r, :]). All [rows, n]; bias, gamma, beta: [n].
     * {@code out} may be {@code residual} or {@code y}. Row-parallel.
     */
    static void addBiasResidualLayerNorm(INDArray y, float[] bias, INDArray residual,
                                         float[] gamma, float[] beta, float eps, INDArray out) {
        FloatBuffer yb = floats(y);
        FloatBuffer rb = floats(residual);
        FloatBuffer ob = floats(out);
        int n = bias.length;
        int rows = (int) (y.length() / n);
        Parallelism.forRange(rows, grain(n), (from, to) -> {
            float[] row = new float[n];
            float[] res = new float[n];
            for (int r = from; r < to; r++) {
                int base = r * n;
                yb.get(base, row, 0, n);
                rb.get(base, res, 0, n);
                for (int j = 0; j < n; j++) {
                    row[j] += bias[j] + res[j];
                }
                normalizeRow(row, gamma, beta, eps);
                ob.put(base, row, 0, n);
            }
        });
    }

    /** x[r, :] = LayerNorm(x[r, :]), in place. x: [rows, n]. Row-parallel. */
    static void layerNorm(INDArray x, float[] gamma, float[] beta, float eps) {
        FloatBuffer xb = floats(x);
        int n = gamma.length;
        int rows = (int) (x.length() / n);
        Parallelism.forRange(rows, grain(n), (from, to) -> {
            float[] row = new float[n];
            for (int r = from; r < to; r++) {
                xb.get(r * n, row, 0, n);
                normalizeRow(row, gamma, beta, eps);
                xb.put(r * n, row, 0, n);
            }
        });
    }

    /**
     * Embedding sum and LayerNorm: out[r, :] = LN(word[ids[r]] + position[r mod seq] + type[types[r]]).
     * word: [vocab, e]; position: [maxPositions, e]; type: [typeVocab, e]; out: [rows, e];
     * ids, types: [rows] flattened from [batch, seq].
     */
    static void embed(INDArray word, INDArray position, INDArray type, int[] ids, int[] types, int seq,
                      float[] gamma, float[] beta, float eps, INDArray out) {
        FloatBuffer wb = floats(word);
        FloatBuffer pb = floats(position);
        FloatBuffer tb = floats(type);
        FloatBuffer ob = floats(out);
        int e = gamma.length;
        Parallelism.forRange(ids.length, grain(e), (from, to) -> {
            float[] row = new float[e];
            float[] pos = new float[e];
            float[] typ = new float[e];
            for (int r = from; r < to; r++) {
                wb.get(ids[r] * e, row, 0, e);
                pb.get((r % seq) * e, pos, 0, e);
                tb.get(types[r] * e, typ, 0, e);
                for (int j = 0; j < e; j++) {
                    row[j] = row[j] + pos[j] + typ[j];
                }
                normalizeRow(row, gamma, beta, eps);
                ob.put(r * e, row, 0, e);
            }
        });
    }

    /** Keys up to the last unmasked one (all of them when every key is masked). */
    static int validLength(float[] mask) {
        for (int j = mask.length - 1; j >= 0; j--) {
            if (mask[j] == 0f) {
                return j + 1;
            }
        }
        return mask.length;
    }

    /** row[0..n) = softmax(scale·row + mask) over the first n entries; exponent, factor: scratch of n. */
    static void softmaxRow(float[] row, float[] mask, int n, float scale, float[] exponent, float[] factor) {
        for (int j = 0; j < n; j++) {
            row[j] = row[j] * scale + mask[j];
        }
        float max = max(row, n);
        expShifted(row, n, max, exponent, factor);
        float inv = 1f / sum(row, n);
        for (int j = 0; j < n; j++) {
            row[j] *= inv;
        }
    }

    /** max of a[0..n), with four independent chains. */
    private static float max(float[] a, int n) {
        float m0 = Float.NEGATIVE_INFINITY, m1 = m0, m2 = m0, m3 = m0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            m0 = Math.max(m0, a[j]);
            m1 = Math.max(m1, a[j + 1]);
            m2 = Math.max(m2, a[j + 2]);
            m3 = Math.max(m3, a[j + 3]);
        }
        for (; j < n; j++) {
            m0 = Math.max(m0, a[j]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /** sum of a[0..n), with four independent chains. */
    private static float sum(float[] a, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[j];
            s1 += a[j + 1];
            s2 += a[j + 2];
            s3 += a[j + 3];
        }
        for (; j < n; j++) {
            s0 += a[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Multiply-adds per sgemm call at or below which OpenBLAS (0.3.x, interface/gemm.c:
     * SMP_THRESHOLD_MIN · GEMM_MULTITHREAD_THRESHOLD) runs it on the calling thread: attention
     * blocks stay below it and are spread over {@link Parallelism} instead, because waking
     * OpenBLAS's threads for each small product costs more than the product on a busy machine.
     */
    static final long SINGLE_THREADED_GEMM = 65536L * 4;

    /** Multiply-adds below which attention blocks stay on the calling thread (handing off costs more). */
    private static final long PARALLEL_WORK = 1L << 20;

    /**
     * Multi-head attention of the sequences [first, first + n), read in place from the fused
     * projection: merged[b·seq + i, head h] = softmax(scale·q_h(i)·K_hᵀ + mask[b])·V_h, where q_h,
     * K_h and V_h are the head-h column blocks of qkv (its bias already added). No per-head copies
     * and no transposes: each product is one sgemm on strided sub-matrices (leading dimension
     * 3·hidden), the context written straight into its columns of merged. The work is split into
     * blocks of query rows of one head, each computed start to end (scores, softmax, context) while
     * its scores are in cache, the blocks spread over the kernel threads. Keys after a sequence's
     * last real token are left out of both products (their probability is 0).
     * qkv: [batch·seq, 3·hidden]; scores: scratch [n·heads, seq, seq]; merged: [batch·seq, hidden].
     */
    static void attention(INDArray qkv, float[][] additiveMask, int first, int n, int heads, int headSize,
                          float scale, INDArray scores, INDArray merged) {
        int seq = additiveMask[0].length;
        int hidden = heads * headSize;
        requireLength(qkv, (long) additiveMask.length * seq * 3 * hidden, "qkv");
        requireLength(merged, (long) additiveMask.length * seq * hidden, "merged");
        requireLength(scores, (long) n * heads * seq * seq, "scores");
        FloatPointer q = pointer(qkv);
        FloatPointer s = pointer(scores);
        FloatPointer out = pointer(merged);
        FloatBuffer sb = floats(scores);
        int blockRows = (int) Math.max(1, Math.min(seq, SINGLE_THREADED_GEMM / ((long) seq * headSize)));
        int blocks = (seq + blockRows - 1) / blockRows;
        int[] keys = new int[n];
        for (int b = 0; b < n; b++) {
            keys[b] = validLength(additiveMask[first + b]);
        }
        long multiplyAdds = 2L * blockRows * seq * headSize; // per block, both products
        Parallelism.forRange(n * heads * blocks, (int) Math.max(1, PARALLEL_WORK / multiplyAdds), (from, to) -> {
            float[] row = new float[seq];
            float[] exponent = new float[seq];
            float[] factor = new float[seq];
            for (int task = from; task < to; task++) {
                int b = task / (heads * blocks);
                int h = task / blocks % heads;
                int i0 = task % blocks * blockRows;
                int m = Math.min(blockRows, seq - i0);
                int k = keys[b];
                long queryRow = (long) (first + b) * seq + i0;
                long block = ((long) (b * heads + h) * seq + i0) * seq; // scores[b·heads + h, i0, 0]
                sgemm(true, m, k, headSize, q, queryRow * 3 * hidden + (long) h * headSize, 3 * hidden,
                        q, (long) (first + b) * seq * 3 * hidden + hidden + (long) h * headSize, 3 * hidden,
                        s, block, seq);
                float[] mask = additiveMask[first + b];
                for (int i = 0; i < m; i++) {
                    int at = (int) (block + (long) i * seq);
                    sb.get(at, row, 0, k);
                    softmaxRow(row, mask, k, scale, exponent, factor);
                    sb.put(at, row, 0, k);
                }
                sgemm(false, m, headSize, k, s, block, seq,
                        q, (long) (first + b) * seq * 3 * hidden + 2L * hidden + (long) h * headSize, 3 * hidden,
                        out, queryRow * hidden + (long) h * headSize, hidden);
            }
        });
    }

    /**
     * Row-major c[m, n] = a[m, k]·(b[k, n] or b[n, k]ᵀ) on sub-matrices at element offsets from
     * the base pointers (each argument its own pointer object: a and b may share a base).
     */
    private static void sgemm(boolean transposeB, int m, int n, int k, FloatPointer a, long aAt, int lda,
                              FloatPointer b, long bAt, int ldb, FloatPointer c, long cAt, int ldc) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                transposeB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1f,
                new FloatPointer(a).position(aAt), lda, new FloatPointer(b).position(bAt), ldb, 0f,
                new FloatPointer(c).position(cAt), ldc);
    }

    /** The address of the first float of a whole c-ordered float array. */
    private static FloatPointer pointer(INDArray a) {
        floats(a);
        return new FloatPointer(a.data().addressPointer());
    }

    private static void requireLength(INDArray a, long length, String what) {
        if (a.length() < length) {
            throw new IllegalArgumentException(what + " has " + a.length() + " floats, needs " + length);
        }
    }

    /** Hugging Face's LayerNorm of one row in place (biased variance, two passes). */
    static void normalizeRow(float[] row, float[] gamma, float[] beta, float eps) {
        int n = row.length;
        float mean = 0f;
        for (int j = 0; j < n; j++) {
            mean += row[j];
        }
        mean /= n;
        float variance = 0f;
        for (int j = 0; j < n; j++) {
            float d = row[j] - mean;
            variance += d * d;
        }
        variance /= n;
        float inv = (float) (1.0 / Math.sqrt(variance + eps));
        for (int j = 0; j < n; j++) {
            row[j] = (row[j] - mean) * inv * gamma[j] + beta[j];
        }
    }

    /**
     * One activation value in float32, for the activations {@link #activateRow} has no vectorised
     * loop for (double erf only for exact GELU); the others use the same formulas as its loops.
     */
    static float activate(Activation activation, float x) {
        return switch (activation) {
            case GELU -> (float) (0.5 * x * (1.0 + Erf.erf(x * 0.7071067811865476)));
            case GELU_NEW, GELU_FAST, GELU_PYTORCH_TANH ->
                    0.5f * x * (1f + tanhRational(0.7978845608028654f * (x + 0.044715f * x * x * x)));
            case QUICK_GELU -> x / (1f + (float) Math.exp(-1.702f * x));
            case RELU -> Math.max(0f, x);
            case SILU -> x / (1f + (float) Math.exp(-x));
            case TANH -> tanhRational(x);
            case SIGMOID -> 1f / (1f + (float) Math.exp(-x));
            case LINEAR -> x;
        };
    }

    /**
     * row[j] = exp(row[j] - shift) for j &lt; n, where row[j] ≤ shift, in float32 within 2e-7 relative
     * error (exact 0 below shift - 100). Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2, a degree-6
     * polynomial for exp(r), and 2^k for the integer k in [-126, 0] written straight into a float's
     * exponent bits. Two passes (scratch arrays of at least n): the polynomial, in float arithmetic,
     * min and max only, which C2 vectorises; then the 2^k exponent bits, whose int conversions would
     * stop C2 from vectorising the first pass if they were in it.
     */
    static void expShifted(float[] row, int n, float shift, float[] exponent, float[] factor) {
        for (int j = 0; j < n; j++) {
            float x = row[j] - shift;
            factor[j] = Math.min(1f, Math.max(0f, x + 100f));              // 0 for x ≤ -100, else 1
            float c = Math.max(x, -87.33654f);
            float k = (c * 1.44269504088896341f + 12582912f) - 12582912f; // round(c / ln2), in [-126, 0]
            float r = c - k * 0.693145751953125f - k * 1.428606765330187045e-06f;
            float p = 1.9875691500e-4f;
            p = p * r + 1.3981999507e-3f;
            p = p * r + 8.3334519073e-3f;
            p = p * r + 4.1665795894e-2f;
            p = p * r + 1.6666665459e-1f;
            p = p * r + 5.0000001201e-1f;
            row[j] = p * r * r + r + 1f;                                     // exp(r)
            exponent[j] = k;
        }
        for (int j = 0; j < n; j++) {                                        // · 2^k, k + 127 in [1, 127]
            row[j] *= Float.intBitsToFloat(((int) exponent[j] + 127) << 23) * factor[j];
        }
    }

    /**
     * tanh as Eigen's float rational approximation (odd degree-13 over even degree-6 polynomial on
     * x clamped to ±7.9053), within a few ulp of tanh: branch- and call-free, so loops over it vectorise.
     */
    static float tanhRational(float x) {
        float c = Math.max(-7.90531110763549805f, Math.min(7.90531110763549805f, x));
        float x2 = c * c;
        float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
        p = p * x2 + -8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        p = p * c;
        float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return p / q;
    }
}
