package io.albert4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A head that runs after the encoder (and pooler) of a Hugging Face {@code AlbertFor*} class, loaded
 * from its own weight scope. {@link TaskHeads} says which heads each {@link Architecture} has.
 * Implementations are immutable and thread-safe; what one forward pass produces goes into that
 * pass's {@link Outputs}.
 */
sealed interface TaskHead permits AlbertMLMHead, AlbertSOPHead, SequenceClassificationHead,
        TokenClassificationHead, QuestionAnsweringHead, MultipleChoiceHead {

    /** Computes this head's outputs of one forward pass into {@code outputs}. */
    void forward(Encoded encoded, Outputs outputs);

    /**
     * The encoder's outputs of one forward pass, as the heads read them.
     *
     * @param sequenceOutput [rows·seq, hidden]: the last hidden state, one row per token
     * @param pooledOutput   [rows, hidden], or null where the architecture has no pooler
     * @param rows           sequences in the batch (choices × questions for multiple choice)
     * @param seq            tokens per sequence
     * @param choices        sequences per question for multiple choice, else 1
     */
    record Encoded(INDArray sequenceOutput, INDArray pooledOutput, int rows, int seq, int choices) {
    }

    /** What the heads of one forward pass produce, under {@link AlbertOutput}'s names. Per call; not thread-safe. */
    final class Outputs {
        INDArray logits;         // [rows, labels] | [rows, seq, labels] | [questions, choices]
        INDArray sopLogits;      // [rows, 2]
        INDArray startLogits;    // [rows, seq]
        INDArray endLogits;      // [rows, seq]
        AlbertMLMHead maskedLm;  // computes prediction_logits on request
    }
}
