package io.albert4j.model;

import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The head of Hugging Face's {@code AlbertForQuestionAnswering}: {@code qa_outputs} on every token's
 * last hidden state gives answer-start and answer-end logits, [rows, seq] each. Immutable; thread-safe.
 */
final class QuestionAnsweringHead implements TaskHead {
    private final Linear qaOutputs; // qa_outputs.weight [2, hidden], qa_outputs.bias [2]; row 0 start, row 1 end

    /** Reads {@code qa_outputs} from the scope of the task class (the checkpoint's root). */
    QuestionAnsweringHead(WeightScope scope, AlbertConfig config) {
        qaOutputs = scope.linear("qa_outputs", config.hiddenSize(), 2);
    }

    @Override
    public void forward(Encoded encoded, Outputs outputs) {
        INDArray span = qaOutputs.forward(encoded.sequenceOutput()); // [rows·seq, 2]
        outputs.startLogits = span.getColumn(0).dup('c').reshape('c', encoded.rows(), encoded.seq());
        outputs.endLogits = span.getColumn(1).dup('c').reshape('c', encoded.rows(), encoded.seq());
    }
}
