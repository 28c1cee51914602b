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

    /**
     * Indices of the k largest values, largest first (ties: lower index first), in O(n log k)
     * with a bounded min-heap whose root is the weakest index kept so far.
     */
    static int[] topK(float[] values, int k) {
        int n = Math.min(k, values.length);
        int[] heap = new int[n];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            if (size < n) {
                heap[size] = i;
                siftUp(heap, size++, values);
            } else if (n > 0 && ranksAbove(values, i, heap[0])) {
                heap[0] = i;
                siftDown(heap, size, values);
            }
        }
        int[] out = new int[n];
        for (int j = n - 1; j >= 0; j--) {
            out[j] = heap[0];
            heap[0] = heap[--size];
            siftDown(heap, size, values);
        }
        return out;
    }

    private static boolean ranksAbove(float[] values, int a, int b) {
        return values[a] > values[b] || (values[a] == values[b] && a < b);
    }

    private static void siftUp(int[] heap, int at, float[] values) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (!ranksAbove(values, heap[parent], heap[at])) {
                return;
            }
            swap(heap, parent, at);
            at = parent;
        }
    }

    private static void siftDown(int[] heap, int size, float[] values) {
        int at = 0;
        while (true) {
            int weakest = at;
            for (int child = 2 * at + 1; child <= 2 * at + 2 && child < size; child++) {
                if (ranksAbove(values, heap[weakest], heap[child])) {
                    weakest = child;
                }
            }
            if (weakest == at) {
                return;
            }
            swap(heap, at, weakest);
            at = weakest;
        }
    }

    private static void swap(int[] heap, int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }
}
