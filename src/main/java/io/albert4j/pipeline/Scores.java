package io.albert4j.pipeline;

/** Softmax and sigmoid over float32 logits, computed as Hugging Face's pipelines compute them. */
final class Scores {
    private Scores() {
    }

    /** exp(x - max) / sum, in float32 like numpy on float32 logits. */
    static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        float[] out = new float[logits.length];
        float sum = 0f;
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    static float[] sigmoid(float[] logits) {
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
        }
        return out;
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Indices of the k largest values, largest first (ties: lower index first). */
    static int[] topK(float[] values, int k) {
        int n = Math.min(k, values.length);
        int[] out = new int[n];
        boolean[] taken = new boolean[values.length];
        for (int i = 0; i < n; i++) {
            int best = -1;
            for (int j = 0; j < values.length; j++) {
                if (!taken[j] && (best < 0 || values[j] > values[best])) {
                    best = j;
                }
            }
            taken[best] = true;
            out[i] = best;
        }
        return out;
    }
}
