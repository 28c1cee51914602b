package io.albert4j.pipeline;

import io.albert4j.AlbertException;

/**
 * One question-answering input: a question and the context to find its answer in, as Hugging
 * Face's {@code {"question": ..., "context": ...}}.
 *
 * <p>Immutable and thread-safe.
 */
public record QuestionContext(String question, String context) {
    public QuestionContext {
        if (question == null || question.isBlank()) {
            throw new AlbertException("question cannot be empty");
        }
        if (context == null || context.isBlank()) {
            throw new AlbertException("context cannot be empty");
        }
    }
}
