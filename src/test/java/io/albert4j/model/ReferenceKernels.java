package io.albert4j.model;

import io.albert4j.config.Activation;

/**
 * Plain scalar double-precision references for the fast float kernels of {@link Kernels}: the
 * formulas of Hugging Face's modules written out once, without any of the fast path's tricks
 * (bulk copies, row parallelism, rational tanh, polynomial exp, skipped padding). Tests and the
 * JMH benchmarks compare the fast kernels with these.
 */
final class ReferenceKernels {
    private ReferenceKernels() {
    }

    /** act(x[r][j] + bias[j]). */
    static double[][] addBiasActivation(float[][] x, float[] bias, Activation activation) {
        double[][] out = new double[x.length][bias.length];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < bias.length; j++) {
                out[r][j] = activation.apply((double) x[r][j] + bias[j]);
            }
        }
        return out;
    }

    /** LayerNorm(y + bias + residual) per row, biased variance. */
    static double[][] addBiasResidualLayerNorm(float[][] y, float[] bias, float[][] residual,
                                               float[] gamma, float[] beta, double eps) {
        double[][] out = new double[y.length][];
        for (int r = 0; r < y.length; r++) {
            double[] row = new double[bias.length];
            for (int j = 0; j < row.length; j++) {
                row[j] = (double) y[r][j] + bias[j] + residual[r][j];
            }
            out[r] = layerNorm(row, gamma, beta, eps);
        }
        return out;
    }

    static double[] layerNorm(double[] row, float[] gamma, float[] beta, double eps) {
        double mean = 0;
        for (double v : row) {
            mean += v;
        }
        mean /= row.length;
        double variance = 0;
        for (double v : row) {
            variance += (v - mean) * (v - mean);
        }
        variance /= row.length;
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = (row[j] - mean) / Math.sqrt(variance + eps) * gamma[j] + beta[j];
        }
        return out;
    }

    /**
     * softmax(scale·scores[m][i][:] + mask[m / heads][:]) with the additive mask as Hugging Face
     * adds it (float32 minimum for padding): masked keys get exp(-huge) = 0, a fully masked row is
     * uniform. scores: [batch·heads][seq][seq].
     */
    static double[][][] maskedSoftmax(float[][][] scores, int[][] attentionMask, int heads, double scale) {
        double[][][] out = new double[scores.length][][];
        for (int m = 0; m < scores.length; m++) {
            int[] mask = attentionMask[m / heads];
            out[m] = new double[scores[m].length][];
            for (int i = 0; i < scores[m].length; i++) {
                int seq = scores[m][i].length;
                double[] v = new double[seq];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < seq; j++) {
                    // float32 addition of the mask, as PyTorch does it; the rest in double
                    v[j] = (float) ((float) (scores[m][i][j] * scale) + (mask[j] != 0 ? 0f : -Float.MAX_VALUE));
                    max = Math.max(max, v[j]);
                }
                double sum = 0;
                for (int j = 0; j < seq; j++) {
                    v[j] = Math.exp(v[j] - max);
                    sum += v[j];
                }
                for (int j = 0; j < seq; j++) {
                    v[j] /= sum;
                }
                out[m][i] = v;
            }
        }
        return out;
    }

    /** LN(word[ids[r]] + position[r mod seq] + type[types[r]]). */
    static double[][] embed(float[][] word, float[][] position, float[][] type, int[] ids, int[] types, int seq,
                            float[] gamma, float[] beta, double eps) {
        double[][] out = new double[ids.length][];
        for (int r = 0; r < ids.length; r++) {
            double[] row = new double[gamma.length];
            for (int j = 0; j < row.length; j++) {
                row[j] = (double) word[ids[r]][j] + position[r % seq][j] + type[types[r]][j];
            }
            out[r] = layerNorm(row, gamma, beta, eps);
        }
        return out;
    }

    /**
     * Multi-head attention context in double from a fused projection with its bias added:
     * qkv [batch·seq][3·hidden] (query | key | value, each heads × headSize) → [batch·seq][hidden],
     * head h of row (b, i) = softmax(scale·q·Kᵀ + mask[b]) · V over the sequence's keys.
     */
    static double[][] attention(float[][] qkv, int[][] attentionMask, int heads, int headSize, double scale) {
        int batch = attentionMask.length;
        int seq = attentionMask[0].length;
        int hidden = heads * headSize;
        double[][] out = new double[batch * seq][hidden];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                float[][][] scores = new float[1][seq][seq];
                for (int i = 0; i < seq; i++) {
                    for (int j = 0; j < seq; j++) {
                        double dot = 0;
                        for (int d = 0; d < headSize; d++) {
                            dot += (double) qkv[b * seq + i][h * headSize + d] * qkv[b * seq + j][hidden + h * headSize + d];
                        }
                        scores[0][i][j] = (float) dot;
                    }
                }
                double[][] p = maskedSoftmax(scores, new int[][] {attentionMask[b]}, 1, scale)[0];
                for (int i = 0; i < seq; i++) {
                    for (int d = 0; d < headSize; d++) {
                        double sum = 0;
                        for (int j = 0; j < seq; j++) {
                            sum += p[i][j] * qkv[b * seq + j][2 * hidden + h * headSize + d];
                        }
                        out[b * seq + i][h * headSize + d] = sum;
                    }
                }
            }
        }
        return out;
    }
}
