package io.albert4j.model;

import io.albert4j.checkpoint.StateDict;
import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hugging Face's {@code AlbertAttention}: bidirectional multi-head self-attention with the padding
 * mask, output projection, residual and LayerNorm. The query, key and value weights are stacked
 * into one [3·hidden, hidden] matrix at load so that one GEMM computes all three.
 * Immutable; thread-safe (activations live in the caller's {@link Workspace}).
 */
final class AlbertAttention {
    /** Attention scores held at once, in floats (16 MB); larger batches run in chunks of sequences. */
    static final long SCORES_BUDGET = 4L << 20;
    private final Linear queryKeyValue; // weight [3·hidden, hidden], bias [3·hidden]
    private final Linear dense;         // [hidden, hidden]
    private final LayerNorm layerNorm;  // [hidden]
    private final int heads;
    private final int headSize;
    private final float scale;
    private final int hiddenSize;

    AlbertAttention(StateDict weights, String prefix, AlbertConfig config, Precision precision) {
        int h = config.hiddenSize();
        Linear query = Linear.load(weights, prefix + "query", h, h);
        Linear key = Linear.load(weights, prefix + "key", h, h);
        Linear value = Linear.load(weights, prefix + "value", h, h);
        queryKeyValue = new Linear(weights.own(Nd4j.concat(0, query.weight, key.weight, value.weight)),
                concat(query.bias, key.bias, value.bias)).in(precision, weights);
        dense = Linear.load(weights, prefix + "dense", h, h).in(precision, weights);
        layerNorm = LayerNorm.load(weights, prefix + "LayerNorm", h, config.layerNormEps());
        heads = config.numAttentionHeads();
        headSize = config.headSize();
        scale = (float) (1.0 / Math.sqrt(headSize));
        hiddenSize = heads * headSize;
    }

    /**
     * hidden: [batch·seq, hidden]; additiveMask: [batch][seq]. Returns LayerNorm(hidden +
     * dense(attention(hidden))): [batch·seq, hidden], in the workspace buffer "attended".
     */
    INDArray forward(INDArray hidden, float[][] additiveMask, Workspace ws) {
        int batch = additiveMask.length;
        int seq = additiveMask[0].length;
        long rows = (long) batch * seq;
        INDArray qkv = ws.get("qkv", rows, 3L * hiddenSize);                // [batch·seq, 3·hidden]
        queryKeyValue.projectInto(hidden, qkv);
        Kernels.addBias(qkv, queryKeyValue.bias);
        INDArray merged = ws.get("merged", rows, hiddenSize);               // [batch·seq, hidden]
        // Attention over chunks of sequences, so that the [chunk·heads, seq, seq] scores buffer stays
        // bounded at batch 32 × 512 (the kernel works through it in cache-sized blocks).
        int chunk = (int) Math.max(1, Math.min(batch, SCORES_BUDGET / ((long) heads * seq * seq)));
        for (int first = 0; first < batch; first += chunk) {
            int n = Math.min(chunk, batch - first);
            INDArray scores = ws.get(n == chunk ? "scores" : "scoresTail", (long) n * heads, seq, seq);
            Kernels.attention(qkv, additiveMask, first, n, heads, headSize, scale, scores, merged);
        }
        INDArray projected = ws.get("projected", rows, hiddenSize);
        dense.projectInto(merged, projected);
        INDArray out = ws.get("attended", rows, hiddenSize);
        Kernels.addBiasResidualLayerNorm(projected, dense.bias, hidden,
                layerNorm.gamma(), layerNorm.beta(), layerNorm.eps(), out);
        return out;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
