package io.albert4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The outputs of one forward pass, under Hugging Face's names; an output the architecture does not
 * produce is null. The masked-LM vocabulary logits are computed on request, for all positions or
 * only for the rows a caller needs (fill-mask needs a few rows, not [batch, seq, 30000]).
 *
 * <p>Belongs to the calling thread: not thread-safe, and not needed after its arrays are read.
 */
public final class AlbertOutput {
    private final INDArray lastHiddenState;   // [batch, seq, hidden]
    private final INDArray poolerOutput;      // [batch, hidden] or null
    private final INDArray logits;            // [batch, labels] | [batch, seq, labels] | [batch, choices] or null
    private final INDArray sopLogits;         // [batch, 2] or null
    private final INDArray startLogits;       // [batch, seq] or null
    private final INDArray endLogits;         // [batch, seq] or null
    private final List<INDArray> hiddenStates; // each [batch, seq, hidden], or null when not requested
    private final AlbertMLMHead maskedLm;     // null without a masked-LM head

    AlbertOutput(INDArray lastHiddenState, INDArray poolerOutput, INDArray logits, INDArray sopLogits,
                 INDArray startLogits, INDArray endLogits, List<INDArray> hiddenStates, AlbertMLMHead maskedLm) {
        this.lastHiddenState = lastHiddenState;
        this.poolerOutput = poolerOutput;
        this.logits = logits;
        this.sopLogits = sopLogits;
        this.startLogits = startLogits;
        this.endLogits = endLogits;
        this.hiddenStates = hiddenStates;
        this.maskedLm = maskedLm;
    }

    /** [batch, seq, hidden]. */
    public INDArray lastHiddenState() {
        return lastHiddenState;
    }

    /** [batch, hidden]: tanh(dense(hidden of token 0)); null for classes without a pooler. */
    public INDArray poolerOutput() {
        return poolerOutput;
    }

    /**
     * The classification logits: [batch, labels] for sequence classification, [batch, seq, labels]
     * for token classification, [batch, choices] for multiple choice; otherwise null.
     */
    public INDArray logits() {
        return logits;
    }

    /** [batch, 2] sentence-order logits (index 0: in order, 1: swapped); pre-training only. */
    public INDArray sopLogits() {
        return sopLogits;
    }

    /** [batch, seq] answer-start logits; question answering only. */
    public INDArray startLogits() {
        return startLogits;
    }

    /** [batch, seq] answer-end logits; question answering only. */
    public INDArray endLogits() {
        return endLogits;
    }

    /**
     * Hugging Face's {@code hidden_states}: the embedding→hidden projection output, then the output of
     * each of the num_hidden_layers applications, each [batch, seq, hidden]; null unless requested.
     */
    public List<INDArray> hiddenStates() {
        return hiddenStates;
    }

    /** Whether this output has a masked-LM head to compute {@code prediction_logits} with. */
    public boolean hasPredictionLogits() {
        return maskedLm != null;
    }

    /** [batch, seq, vocab] masked-LM logits of every position. */
    public INDArray predictionLogits() {
        requireMaskedLm();
        long[] shape = lastHiddenState.shape();
        INDArray rows = lastHiddenState.reshape('c', shape[0] * shape[1], shape[2]);
        return maskedLm.logits(rows).reshape('c', shape[0], shape[1], -1);
    }

    /** [positions, vocab] masked-LM logits at some positions of one sequence. */
    public INDArray predictionLogits(int batchIndex, int... positions) {
        requireMaskedLm();
        int seq = (int) lastHiddenState.size(1);
        int[] rows = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] < 0 || positions[i] >= seq) {
                throw new IndexOutOfBoundsException("position " + positions[i] + " outside 0.." + (seq - 1));
            }
            rows[i] = batchIndex * seq + positions[i];
        }
        INDArray flat = lastHiddenState.reshape('c', lastHiddenState.size(0) * seq, lastHiddenState.size(2));
        return maskedLm.logits(Nd4j.pullRows(flat, 1, rows));
    }

    private void requireMaskedLm() {
        if (maskedLm == null) {
            throw new IllegalStateException("this model has no masked-LM head (prediction_logits)");
        }
    }
}
