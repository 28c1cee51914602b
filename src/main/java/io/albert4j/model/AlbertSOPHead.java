package io.albert4j.model;

import io.albert4j.config.AlbertConfig;

/**
 * Hugging Face's {@code AlbertSOPHead} ({@code AlbertForPreTraining.sop_classifier}): sentence-order
 * logits (index 0: in order, 1: swapped) from the pooled output; dropout is identity at inference.
 * Immutable; thread-safe.
 */
final class AlbertSOPHead implements TaskHead {
    private final Linear classifier; // sop_classifier.classifier.weight [2, hidden], .bias [2]

    /** Reads {@code classifier} from the head's scope ({@code sop_classifier}). */
    AlbertSOPHead(WeightScope scope, AlbertConfig config) {
        classifier = scope.linear("classifier", config.hiddenSize(), 2);
    }

    @Override
    public void forward(Encoded encoded, Outputs outputs) {
        outputs.sopLogits = classifier.forward(encoded.pooledOutput()); // [rows, 2]
    }
}
