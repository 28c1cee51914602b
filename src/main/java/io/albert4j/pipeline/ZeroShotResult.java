package io.albert4j.pipeline;

import java.util.List;

/**
 * The zero-shot classification of one sequence, as Hugging Face's pipeline returns it: the
 * candidate labels best first, with their scores in the same order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param sequence the classified text
 * @param labels   the candidate labels, highest score first
 * @param scores   one score per label, in the order of {@code labels}
 */
public record ZeroShotResult(String sequence, List<String> labels, List<Double> scores) {
    public ZeroShotResult {
        labels = List.copyOf(labels);
        scores = List.copyOf(scores);
        if (labels.size() != scores.size()) {
            throw new IllegalArgumentException(labels.size() + " labels but " + scores.size() + " scores");
        }
    }
}
