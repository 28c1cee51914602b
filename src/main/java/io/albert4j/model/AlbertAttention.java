package io.albert4j.model;

import io.albert4j.checkpoint.StateDict;
import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Hugging Face's {@code AlbertAttention}: bidirectional multi-head self-attention with the padding
 * mask, output projection, residual and LayerNorm. The query, key and value weights are stacked
 * into one [3·hidden, hidden] matrix at load so that one GEMM computes all three.
 * Immutable; thread-safe.
 */
final class AlbertAttention {
    private final Linear queryKeyValue; // weight [3·hidden, hidden], bias [3·hidden]
    private final Linear dense;         // [hidden, hidden]
    private final LayerNorm layerNorm;  // [hidden]
    private final int heads;
    private final int headSize;
    private final float scale;

    AlbertAttention(StateDict weights, String prefix, AlbertConfig config) {
        int h = config.hiddenSize();
        Linear query = Linear.load(weights, prefix + "query", h, h);
        Linear key = Linear.load(weights, prefix + "key", h, h);
        Linear value = Linear.load(weights, prefix + "value", h, h);
        queryKeyValue = new Linear(Nd4j.concat(0, query.weight, key.weight, value.weight),
                concat(query.bias, key.bias, value.bias));
        dense = Linear.load(weights, prefix + "dense", h, h);
        layerNorm = LayerNorm.load(weights, prefix + "LayerNorm", h, config.layerNormEps());
        heads = config.numAttentionHeads();
        headSize = config.headSize();
        scale = (float) (1.0 / Math.sqrt(headSize));
    }

    /**
     * hidden: [batch·seq, hidden]; additiveMask: [batch][seq].
     * Returns LayerNorm(hidden + dense(attention(hidden))): [batch·seq, hidden].
     */
    INDArray forward(INDArray hidden, float[][] additiveMask) {
        int batch = additiveMask.length;
        int seq = additiveMask[0].length;
        int hiddenSize = heads * headSize;
        INDArray qkv = queryKeyValue.forward(hidden); // [batch·seq, 3·hidden]
        INDArray split = qkv.reshape('c', batch, seq, 3, heads, headSize)
                .permute(2, 0, 3, 1, 4).dup('c');   // [3, batch, heads, seq, headSize]
        INDArray query = perHead(split, 0, batch, seq);  // [batch·heads, seq, headSize]
        INDArray key = perHead(split, 1, batch, seq);
        INDArray value = perHead(split, 2, batch, seq);

        INDArray scores = Kernels.allocate((long) batch * heads, seq, seq); // [batch·heads, seq, seq]
        Nd4j.matmul(query, key, scores, false, true, false);
        Kernels.maskedSoftmax(scores, additiveMask, heads, scale);
        INDArray context = Kernels.allocate((long) batch * heads, seq, headSize); // [batch·heads, seq, headSize]
        Nd4j.matmul(scores, value, context, false, false, false);

        INDArray merged = context.reshape('c', batch, heads, seq, headSize)
                .permute(0, 2, 1, 3).dup('c').reshape('c', (long) batch * seq, hiddenSize); // [batch·seq, hidden]
        INDArray projected = dense.project(merged); // [batch·seq, hidden]
        INDArray out = Kernels.allocate(hidden.shape());
        Kernels.addBiasResidualLayerNorm(projected, dense.bias, hidden,
                layerNorm.gamma(), layerNorm.beta(), layerNorm.eps(), out);
        return out;
    }

    private INDArray perHead(INDArray split, int which, int batch, int seq) {
        return split.get(NDArrayIndex.point(which), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).reshape('c', (long) batch * heads, seq, headSize);
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
