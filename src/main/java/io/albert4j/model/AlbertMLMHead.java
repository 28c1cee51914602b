package io.albert4j.model;

import io.albert4j.AlbertException;
import io.albert4j.checkpoint.StateDict;
import io.albert4j.config.Activation;
import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hugging Face's {@code AlbertMLMHead}: dense → activation → LayerNorm at embedding_size → decoder
 * + bias. The decoder is tied to the word embeddings as Hugging Face ties it on load, so the
 * [vocab, embedding] matrix is held once; with {@code tie_word_embeddings: false} in config.json it
 * is the checkpoint's own {@code predictions.decoder.weight}. Immutable; thread-safe.
 */
final class AlbertMLMHead {
    private final Linear dense;          // [embedding, hidden]
    private final LayerNorm layerNorm;   // [embedding]
    private final INDArray decoder;      // [vocab, embedding], the word embeddings unless untied
    private final float[] bias;          // [vocab], predictions.bias (= predictions.decoder.bias)
    private final Activation activation;
    private final Lifecycle lifecycle;       // the model's: logits fail once it is closed

    AlbertMLMHead(StateDict weights, AlbertConfig config, INDArray wordEmbeddings, Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
        dense = Linear.load(weights, "predictions.dense", config.hiddenSize(), config.embeddingSize());
        layerNorm = LayerNorm.load(weights, "predictions.LayerNorm", config.embeddingSize(), config.layerNormEps());
        if (!config.tieWordEmbeddings() && !weights.storesUntied("predictions.decoder.weight")) {
            throw new AlbertException("checkpoint " + weights.source() + ": config.json says tie_word_embeddings false, "
                    + "but the checkpoint stores no predictions.decoder.weight for the untied masked-LM decoder");
        }
        decoder = config.tieWordEmbeddings() ? wordEmbeddings
                : weights.require("predictions.decoder.weight", config.vocabSize(), config.embeddingSize());
        bias = weights.require("predictions.bias", config.vocabSize()).toFloatVector();
        activation = config.hiddenAct();
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
