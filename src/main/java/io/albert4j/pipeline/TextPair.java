package io.albert4j.pipeline;

import io.albert4j.AlbertException;

/**
 * A text, and optionally a second text paired with it, as Hugging Face's {@code {"text": ...,
 * "text_pair": ...}} input of text classification (and sentence order).
 *
 * <p>Immutable and thread-safe.
 *
 * @param text     the text, or the first of the pair
 * @param textPair the second text, or null for a single text
 */
public record TextPair(String text, String textPair) {
    public TextPair {
        if (text == null) {
            throw new AlbertException("text must not be null");
        }
    }

    /** A single text. */
    public static TextPair of(String text) {
        return new TextPair(text, null);
    }

    /** A text and its pair. */
    public static TextPair of(String text, String textPair) {
        if (textPair == null) {
            throw new AlbertException("text_pair must not be null; use TextPair.of(text) for a single text");
        }
        return new TextPair(text, textPair);
    }

    /** Whether this is a pair. */
    public boolean isPair() {
        return textPair != null;
    }
}
