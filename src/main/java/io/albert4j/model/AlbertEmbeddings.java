package io.albert4j.model;

import io.albert4j.AlbertException;
import io.albert4j.checkpoint.StateDict;
import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hugging Face's {@code AlbertEmbeddings}: LayerNorm(word + absolute position + token type) at
 * embedding_size. Dropout is identity at inference. Immutable; thread-safe.
 */
final class AlbertEmbeddings {
    private static final String PREFIX = "albert.embeddings.";

    final INDArray wordEmbeddings;     // [vocab, embedding]; also the tied masked-LM decoder
    private final INDArray positions;  // [max_positions, embedding]
    private final INDArray tokenTypes; // [type_vocab, embedding]
    private final LayerNorm layerNorm; // [embedding]
    private final AlbertConfig config;

    AlbertEmbeddings(StateDict weights, AlbertConfig config) {
        int e = config.embeddingSize();
        this.config = config;
        wordEmbeddings = weights.require(PREFIX + "word_embeddings.weight", config.vocabSize(), e);
        positions = weights.require(PREFIX + "position_embeddings.weight", config.maxPositionEmbeddings(), e);
        tokenTypes = weights.require(PREFIX + "token_type_embeddings.weight", config.typeVocabSize(), e);
        layerNorm = LayerNorm.load(weights, PREFIX + "LayerNorm", e, config.layerNormEps());
    }

    /** [batch·seq, embedding] embeddings of every token, after LayerNorm, in the workspace. */
    INDArray forward(AlbertInput input, Workspace ws) {
        int rows = input.rows();
        int seq = input.seqLength();
        if (seq > config.maxPositionEmbeddings()) {
            throw new AlbertException("sequence length " + seq + " exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings() + "; truncate the input");
        }
        int[] ids = flatten(input.inputIds(), config.vocabSize(), "input_ids", "vocab_size");
        int[] types = flatten(input.tokenTypeIds(), config.typeVocabSize(), "token_type_ids", "type_vocab_size");
        INDArray out = ws.get("embedded", (long) rows * seq, config.embeddingSize());
        Kernels.embed(wordEmbeddings, positions, tokenTypes, ids, types, seq,
                layerNorm.gamma(), layerNorm.beta(), layerNorm.eps(), out);
        return out;
    }

    private static int[] flatten(int[][] values, int limit, String name, String limitKey) {
        int seq = values[0].length;
        int[] flat = new int[values.length * seq];
        for (int r = 0; r < values.length; r++) {
            for (int s = 0; s < seq; s++) {
                int v = values[r][s];
                if (v < 0 || v >= limit) {
                    throw new AlbertException(name + "[" + r + "][" + s + "] = " + v + " is outside 0.."
                            + (limit - 1) + " (" + limitKey + " " + limit + ")");
                }
                flat[r * seq + s] = v;
            }
        }
        return flat;
    }
}
