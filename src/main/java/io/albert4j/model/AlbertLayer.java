package io.albert4j.model;

import io.albert4j.checkpoint.StateDict;
import io.albert4j.config.Activation;
import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hugging Face's {@code AlbertLayer}: attention, then the FFN (ffn → activation → ffn_output) with
 * residual and full_layer_layer_norm. Immutable; thread-safe.
 */
final class AlbertLayer {
    private final AlbertAttention attention;
    private final Linear ffn;                    // [intermediate, hidden]
    private final Linear ffnOutput;              // [hidden, intermediate]
    private final LayerNorm fullLayerLayerNorm;  // [hidden]
    private final Activation activation;

    AlbertLayer(StateDict weights, String prefix, AlbertConfig config, Precision precision) {
        int h = config.hiddenSize();
        int i = config.intermediateSize();
        attention = new AlbertAttention(weights, prefix + "attention.", config, precision);
        ffn = Linear.load(weights, prefix + "ffn", h, i).in(precision, weights);
        ffnOutput = Linear.load(weights, prefix + "ffn_output", i, h).in(precision, weights);
        fullLayerLayerNorm = LayerNorm.load(weights, prefix + "full_layer_layer_norm", h, config.layerNormEps());
        activation = config.hiddenAct();
    }

    /** hidden: [batch·seq, hidden] → out [batch·seq, hidden] (not the same array as hidden). */
    void forward(INDArray hidden, float[][] additiveMask, Workspace ws, INDArray out) {
        INDArray attended = attention.forward(hidden, additiveMask, ws);   // [batch·seq, hidden]
        INDArray inner = ws.get("inner", attended.rows(), ffn.outFeatures()); // [batch·seq, intermediate]
        ffn.projectInto(attended, inner);
        Kernels.addBiasActivation(inner, ffn.bias, activation);
        ffnOutput.projectInto(inner, out);                                  // [batch·seq, hidden]
        Kernels.addBiasResidualLayerNorm(out, ffnOutput.bias, attended, fullLayerLayerNorm.gamma(),
                fullLayerLayerNorm.beta(), fullLayerLayerNorm.eps(), out);
    }
}
