package io.albert4j.model;

import io.albert4j.config.Activation;
import io.albert4j.config.Erf;
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

    /**
     * Attention probabilities in place: scores[b·heads + h, i, :] = softmax(scale·scores + mask[b]).
     * scores: [batch·heads, seq, seq]; additiveMask: [batch][seq], 0 or {@link #MASKED}. Keys after
     * a sequence's last real token get probability 0 without being computed (exp underflows to 0
     * there anyway); a fully masked row comes out uniform, as in PyTorch. Row-parallel.
     */
    static void maskedSoftmax(INDArray scores, float[][] additiveMask, int heads, float scale) {
        FloatBuffer sb = floats(scores);
        int seq = additiveMask[0].length;
        int batch = additiveMask.length;
        int[] valid = new int[batch];
        for (int b = 0; b < batch; b++) {
            valid[b] = validLength(additiveMask[b]);
        }
        Parallelism.forRange(batch * heads * seq, grain(seq), (from, to) -> {
            float[] row = new float[seq];
            float[] negK = new float[seq];
            float[] factor = new float[seq];
            for (int at = from; at < to; at++) {
                int b = at / (heads * seq);
                float[] mask = additiveMask[b];
                int n = valid[b];
                int base = at * seq;
                sb.get(base, row, 0, n);
                softmaxRow(row, mask, n, scale, negK, factor);
                java.util.Arrays.fill(row, n, seq, 0f);
                sb.put(base, row, 0, seq);
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

    /** row[0..n) = softmax(scale·row + mask) over the first n entries; negK, factor: scratch of n. */
    static void softmaxRow(float[] row, float[] mask, int n, float scale, float[] negK, float[] factor) {
        for (int j = 0; j < n; j++) {
            row[j] = row[j] * scale + mask[j];
        }
        float max = max(row, n);
        expShifted(row, n, max, negK, factor);
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
     * Splits the fused QKV projection per head and adds its bias, for the sequences
     * [firstSequence, firstSequence + batch) of qkv: qkv [sequences·seq, 3·hidden] (c order, columns
     * query | key | value, each heads × headSize) → query, key, value, each [batch·heads, seq, headSize].
     * Row-parallel bulk copies; replaces permute + dup.
     */
    static void splitHeads(INDArray qkv, float[] bias, int firstSequence, int batch, int seq, int heads,
                           int headSize, INDArray query, INDArray key, INDArray value) {
        FloatBuffer src = floats(qkv);
        FloatBuffer[] dst = {floats(query), floats(key), floats(value)};
        int hidden = heads * headSize;
        int width = 3 * hidden;
        int firstRow = firstSequence * seq;
        Parallelism.forRange(batch * seq, grain(width), (from, to) -> {
            float[] row = new float[width];
            for (int r = from; r < to; r++) {
                src.get((firstRow + r) * width, row, 0, width);
                for (int j = 0; j < width; j++) {
                    row[j] += bias[j];
                }
                int b = r / seq;
                int s = r % seq;
                for (int which = 0; which < 3; which++) {
                    for (int h = 0; h < heads; h++) {
                        dst[which].put(((b * heads + h) * seq + s) * headSize, row,
                                which * hidden + h * headSize, headSize);
                    }
                }
            }
        });
    }

    /**
     * The inverse layout: context [batch·heads, seq, headSize] → rows of merged [sequences·seq,
     * heads·headSize] for the sequences [firstSequence, firstSequence + batch).
     */
    static void mergeHeads(INDArray context, int firstSequence, int batch, int seq, int heads, int headSize,
                           INDArray merged) {
        FloatBuffer src = floats(context);
        FloatBuffer dst = floats(merged);
        int hidden = heads * headSize;
        int firstRow = firstSequence * seq;
        Parallelism.forRange(batch * seq, grain(hidden), (from, to) -> {
            float[] row = new float[hidden];
            for (int r = from; r < to; r++) {
                int b = r / seq;
                int s = r % seq;
                for (int h = 0; h < heads; h++) {
                    src.get(((b * heads + h) * seq + s) * headSize, row, h * headSize, headSize);
                }
                dst.put((firstRow + r) * hidden, row, 0, hidden);
            }
        });
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
     * error (exact 0 below shift - 100), with only float arithmetic, min and max, so that loops over it
     * vectorise (JDK 17's C2 does not vectorise Math.exp nor the int/float bit moves of the usual 2^k
     * construction). Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2, a degree-6 polynomial for exp(r),
     * and 2^k for the integer k in [-126, 0] built from exact power-of-two factors selected by clamped
     * steps.
     * Three short passes (scratch arrays of at least n) rather than one long loop body: C2 only
     * unrolls, and so vectorises, loops with small bodies.
     */
    static void expShifted(float[] row, int n, float shift, float[] negK, float[] factor) {
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
            negK[j] = -k;
        }
        for (int j = 0; j < n; j++) {                                        // 2^-m, m in [0, 126]: bits 64, 32, 16
            float m = negK[j];
            float b = Math.min(1f, Math.max(0f, m - 63f));
            float scale = b * 0x1p-64f + (1f - b);
            m -= 64f * b;
            b = Math.min(1f, Math.max(0f, m - 31f));
            scale *= b * 0x1p-32f + (1f - b);
            m -= 32f * b;
            b = Math.min(1f, Math.max(0f, m - 15f));
            scale *= b * 0x1p-16f + (1f - b);
            negK[j] = m - 16f * b;
            factor[j] *= scale;
        }
        for (int j = 0; j < n; j++) {                                        // bits 8, 4, 2, 1
            float m = negK[j];
            float b = Math.min(1f, Math.max(0f, m - 7f));
            float scale = b * 0x1p-8f + (1f - b);
            m -= 8f * b;
            b = Math.min(1f, Math.max(0f, m - 3f));
            scale *= b * 0x1p-4f + (1f - b);
            m -= 4f * b;
            b = Math.min(1f, Math.max(0f, m - 1f));
            scale *= b * 0x1p-2f + (1f - b);
            m -= 2f * b;
            scale *= m * 0.5f + (1f - m);                                    // m is now 0 or 1
            row[j] *= scale * factor[j];
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
