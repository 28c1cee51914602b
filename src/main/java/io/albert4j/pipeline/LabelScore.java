package io.albert4j.pipeline;

/**
 * A class label with its score (a probability, or a raw logit with {@link ScoreFunction#NONE}).
 *
 * <p>Immutable and thread-safe.
 */
public record LabelScore(String label, double score) {
}
