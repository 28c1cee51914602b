package io.albert4j.pipeline;

import io.albert4j.AlbertException;

import java.util.List;

/**
 * One multiple-choice input: a prompt and at least two choices, each to be read as its
 * continuation.
 *
 * <p>Immutable and thread-safe.
 */
public record MultipleChoiceInput(String prompt, List<String> choices) {
    public MultipleChoiceInput {
        if (prompt == null) {
            throw new AlbertException("prompt must not be null");
        }
        choices = Options.strings("choices", choices);
        if (choices.size() < 2) {
            throw new AlbertException("multiple choice needs at least two choices, found " + choices.size());
        }
    }
}
