package io.albert4j.model;

import io.albert4j.AlbertException;
import io.albert4j.config.Activation;
import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hugging Face's {@code AlbertMLMHead}: dense → activation → LayerNorm at embedding_size → decoder
 * + bias. The decoder is tied to the word embeddings as Hugging Face ties it on load, so the
 * [vocab, embedding] matrix is held once; with {@code tie_word_embeddings: false} in config.json it
 * is the checkpoint's own {@code predictions.decoder.weight}. Its vocabulary logits are computed on
 * request ({@link AlbertOutput#predictionLogits}), not in every forward pass. Immutable; thread-safe.
 */
final class AlbertMLMHead implements TaskHead {
    private final Linear dense;          // predictions.dense.weight [embedding, hidden], .bias [embedding]
    private final LayerNorm layerNorm;   // predictions.LayerNorm.weight, .bias [embedding]
    private final INDArray decoder;      // predictions.decoder.weight [vocab, embedding]: the word embeddings unless untied
    private final float[] bias;          // predictions.bias [vocab] (= predictions.decoder.bias, tied)
    private final Activation activation;
    private final Lifecycle lifecycle;   // the model's: logits fail once it is closed

    /** Reads the head from its scope ({@code predictions}); the decoder is {@code wordEmbeddings} when tied. */
    AlbertMLMHead(WeightScope scope, AlbertConfig config, INDArray wordEmbeddings, Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
        dense = scope.linear("dense", config.hiddenSize(), config.embeddingSize());
        layerNorm = scope.layerNorm("LayerNorm", config.embeddingSize(), config.layerNormEps());
        if (!config.tieWordEmbeddings() && !scope.storesUntied("decoder.weight")) {
            throw new AlbertException("checkpoint " + scope.source() + ": config.json says tie_word_embeddings false, "
                    + "but the checkpoint stores no " + scope.key("decoder.weight") + " for the untied masked-LM decoder");
        }
        decoder = config.tieWordEmbeddings() ? wordEmbeddings
                : scope.require("decoder.weight", config.vocabSize(), config.embeddingSize());
        bias = scope.require("bias", config.vocabSize()).toFloatVector();
        activation = config.hiddenAct();
    }

    /** Hands the head to the output, which computes {@code prediction_logits} from it when asked. */
    @Override
    public void forward(Encoded encoded, Outputs outputs) {
        outputs.maskedLm = this;
    }

    /** Vocabulary logits of some hidden rows: [n, hidden] → [n, vocab]. */
    INDArray logits(INDArray hiddenRows) {
        return lifecycle.use(() -> compute(hiddenRows));
    }

    private INDArray compute(INDArray hiddenRows) {
        INDArray transformed = dense.project(hiddenRows); // [n, embedding]
        Kernels.addBiasActivation(transformed, dense.bias, activation);
        Kernels.layerNorm(transformed, layerNorm.gamma(), layerNorm.beta(), layerNorm.eps());
        INDArray out = Kernels.allocate(hiddenRows.rows(), bias.length); // [n, vocab]
        Nd4j.gemm(transformed, decoder, out, false, true, 1.0, 0.0);
        Kernels.addBias(out, bias);
        return out;
    }
}
