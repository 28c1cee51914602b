package io.albert4j.model;

import io.albert4j.config.AlbertConfig;

/**
 * The head of Hugging Face's {@code AlbertForSequenceClassification}: {@code classifier} on the
 * pooled output gives [rows, num_labels] logits; dropout is identity at inference. Immutable;
 * thread-safe.
 */
final class SequenceClassificationHead implements TaskHead {
    private final Linear classifier; // classifier.weight [num_labels, hidden], classifier.bias [num_labels]

    /** Reads {@code classifier} from the scope of the task class (the checkpoint's root). */
    SequenceClassificationHead(WeightScope scope, AlbertConfig config) {
        classifier = scope.linear("classifier", config.hiddenSize(), config.numLabels());
    }

    @Override
    public void forward(Encoded encoded, Outputs outputs) {
        outputs.logits = classifier.forward(encoded.pooledOutput()); // [rows, num_labels]
    }
}
