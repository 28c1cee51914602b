package io.albert4j.pipeline;

import io.albert4j.AlbertException;

import java.util.Locale;

/**
 * How a sentence embedding is made from the encoder's outputs.
 *
 * <p>Immutable and thread-safe.
 */
public enum Pooling {
    /** The last hidden state of [CLS]. */
    CLS,
    /** The mean of the last hidden states of real tokens (attention mask 1), specials included. */
    MEAN,
    /** The pooler output: tanh(dense(hidden of [CLS])). */
    POOLER;

    public static Pooling parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AlbertException("unknown pooling \"" + name + "\"; expected cls, mean, pooler or none");
        }
    }
}
