package io.albert4j.pipeline;

/**
 * One choice of a multiple-choice question with its probability (softmax over the choices).
 *
 * <p>Immutable and thread-safe.
 */
public record ChoiceScore(String choice, double score) {
}
