package io.albert4j.model;

import io.albert4j.config.Activation;
import io.albert4j.config.Erf;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * The float kernels as they were before the performance work (commit 5ac30ef): per-element
 * FloatBuffer access, single-threaded, Math.exp-based tanh and softmax. Kept in test code only
 * so that {@link StageProfile} measures each optimisation against its predecessor in one run.
 */
final class LegacyKernels {
    /** Hugging Face's additive mask value for padding keys: torch.finfo(float32).min. */
    static final float MASKED = -Float.MAX_VALUE;

    private LegacyKernels() {
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

    /** x[r, :] = act(x[r, :] + bias), in place. x: [rows, n]; bias: [n]. */
    static void addBiasActivation(INDArray x, float[] bias, Activation activation) {
        FloatBuffer data = floats(x);
        int n = bias.length;
        int size = (int) x.length();
        for (int i = 0; i < size; i++) {
            data.put(i, activate(activation, data.get(i) + bias[i % n]));
        }
    }

    /** x[r, :] += bias, in place. x: [rows, n]; bias: [n]. */
    static void addBias(INDArray x, float[] bias) {
        FloatBuffer data = floats(x);
        int n = bias.length;
        int size = (int) x.length();
        for (int i = 0; i < size; i++) {
            data.put(i, data.get(i) + bias[i % n]);
        }
    }

    /**
     * out[r, :] = LayerNorm(y[r, :] + bias + residual[r, :]). All [rows, n]; bias, gamma, beta: [n].
     * {@code out} may be {@code residual}.
     */
    static void addBiasResidualLayerNorm(INDArray y, float[] bias, INDArray residual,
                                         float[] gamma, float[] beta, float eps, INDArray out) {
        FloatBuffer yb = floats(y);
        FloatBuffer rb = floats(residual);
        FloatBuffer ob = floats(out);
        int n = bias.length;
        int rows = (int) (y.length() / n);
        float[] row = new float[n];
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            for (int j = 0; j < n; j++) {
                row[j] = yb.get(base + j) + bias[j] + rb.get(base + j);
            }
            normalizeRow(row, gamma, beta, eps, ob, base);
        }
    }

    /** x[r, :] = LayerNorm(x[r, :]), in place. x: [rows, n]. */
    static void layerNorm(INDArray x, float[] gamma, float[] beta, float eps) {
        FloatBuffer xb = floats(x);
        int n = gamma.length;
        int rows = (int) (x.length() / n);
        float[] row = new float[n];
        for (int r = 0; r < rows; r++) {
            xb.get(r * n, row);
            normalizeRow(row, gamma, beta, eps, xb, r * n);
        }
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
        float[] row = new float[e];
        for (int r = 0; r < ids.length; r++) {
            int w = ids[r] * e;
            int p = (r % seq) * e;
            int t = types[r] * e;
            for (int j = 0; j < e; j++) {
                row[j] = wb.get(w + j) + pb.get(p + j) + tb.get(t + j);
            }
            normalizeRow(row, gamma, beta, eps, ob, r * e);
        }
    }

    /**
     * Attention probabilities in place: scores[b·heads + h, i, :] = softmax(scale·scores + mask[b]).
     * scores: [batch·heads, seq, seq]; additiveMask: [batch][seq], 0 or {@link #MASKED}.
     */
    static void maskedSoftmax(INDArray scores, float[][] additiveMask, int heads, float scale) {
        FloatBuffer sb = floats(scores);
        int seq = additiveMask[0].length;
        int matrices = additiveMask.length * heads;
        float[] row = new float[seq];
        for (int m = 0; m < matrices; m++) {
            float[] mask = additiveMask[m / heads];
            for (int i = 0; i < seq; i++) {
                int base = (m * seq + i) * seq;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < seq; j++) {
                    row[j] = sb.get(base + j) * scale + mask[j];
                    max = Math.max(max, row[j]);
                }
                float sum = 0f;
                for (int j = 0; j < seq; j++) {
                    row[j] = (float) Math.exp(row[j] - max);
                    sum += row[j];
                }
                float inv = 1f / sum;
                for (int j = 0; j < seq; j++) {
                    sb.put(base + j, row[j] * inv);
                }
            }
        }
    }

    /** Hugging Face's LayerNorm of one row (biased variance), written to out at offset. */
    private static void normalizeRow(float[] row, float[] gamma, float[] beta, float eps, FloatBuffer out, int offset) {
        int n = row.length;
        float mean = 0f;
        for (float v : row) {
            mean += v;
        }
        mean /= n;
        float variance = 0f;
        for (float v : row) {
            float d = v - mean;
            variance += d * d;
        }
        variance /= n;
        float inv = (float) (1.0 / Math.sqrt(variance + eps));
        for (int j = 0; j < n; j++) {
            out.put(offset + j, (row[j] - mean) * inv * gamma[j] + beta[j]);
        }
    }

    /** One activation value in float32 (exp-based tanh; double erf only for exact GELU). */
    static float activate(Activation activation, float x) {
        return switch (activation) {
            case GELU -> (float) (0.5 * x * (1.0 + Erf.erf(x * 0.7071067811865476)));
            case GELU_NEW, GELU_FAST, GELU_PYTORCH_TANH ->
                    0.5f * x * (1f + tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
            case QUICK_GELU -> x / (1f + (float) Math.exp(-1.702f * x));
            case RELU -> Math.max(0f, x);
            case SILU -> x / (1f + (float) Math.exp(-x));
            case TANH -> tanh(x);
            case SIGMOID -> 1f / (1f + (float) Math.exp(-x));
            case LINEAR -> x;
        };
    }

    /** tanh through one exp, without overflow for large |x|. */
    static float tanh(float x) {
        float e = (float) Math.exp(-2f * Math.abs(x));
        float t = (1f - e) / (1f + e);
        return x < 0 ? -t : t;
    }
}
