package io.albert4j.pipeline;

import io.albert4j.AlbertException;

import java.util.Locale;

/**
 * How a sentence embedding is made from the encoder's outputs.
 *
 * <p>Immutable and thread-safe.
 */
public enum Pooling {
    /** No pooling: the last hidden state of every token. */
    NONE,
    /** The last hidden state of [CLS]. */
    CLS,
    /** The mean of the last hidden states of real tokens (attention mask 1), specials included. */
    MEAN,
    /** The pooler output: tanh(dense(hidden of [CLS])). */
    POOLER;

    /** The pooling of a name (cls, mean, pooler or none), ignoring case. */
    public static Pooling parse(String name) {
        try {
            return valueOf(Options.required("pooling", name).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AlbertException("unknown pooling \"" + name + "\"; expected cls, mean, pooler or none");
        }
    }
}
