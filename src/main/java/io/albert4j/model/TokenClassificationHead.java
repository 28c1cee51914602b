package io.albert4j.model;

import io.albert4j.config.AlbertConfig;

/**
 * The head of Hugging Face's {@code AlbertForTokenClassification}: {@code classifier} on every
 * token's last hidden state gives [rows, seq, num_labels] logits; dropout is identity at inference.
 * Immutable; thread-safe.
 */
final class TokenClassificationHead implements TaskHead {
    private final Linear classifier; // classifier.weight [num_labels, hidden], classifier.bias [num_labels]

    /** Reads {@code classifier} from the scope of the task class (the checkpoint's root). */
    TokenClassificationHead(WeightScope scope, AlbertConfig config) {
        classifier = scope.linear("classifier", config.hiddenSize(), config.numLabels());
    }

    @Override
    public void forward(Encoded encoded, Outputs outputs) {
        outputs.logits = classifier.forward(encoded.sequenceOutput()) // [rows·seq, num_labels]
                .reshape('c', encoded.rows(), encoded.seq(), classifier.outFeatures());
    }
}
