package io.albert4j.model;

import io.albert4j.config.AlbertConfig;

/**
 * The head of Hugging Face's {@code AlbertForMultipleChoice}: {@code classifier} scores each
 * (question, choice) sequence's pooled output, one logit per choice: [questions, choices]; dropout is
 * identity at inference. Immutable; thread-safe.
 */
final class MultipleChoiceHead implements TaskHead {
    private final Linear classifier; // classifier.weight [1, hidden], classifier.bias [1]

    /** Reads {@code classifier} from the scope of the task class (the checkpoint's root). */
    MultipleChoiceHead(WeightScope scope, AlbertConfig config) {
        classifier = scope.linear("classifier", config.hiddenSize(), 1);
    }

    @Override
    public void forward(Encoded encoded, Outputs outputs) {
        outputs.logits = classifier.forward(encoded.pooledOutput()) // [questions·choices, 1]
                .reshape('c', encoded.rows() / encoded.choices(), encoded.choices());
    }
}
