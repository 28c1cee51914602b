package io.albert4j.pipeline;

import io.albert4j.AlbertException;

import java.util.Locale;

/**
 * Hugging Face's token-classification {@code aggregation_strategy}.
 *
 * <p>Immutable and thread-safe.
 */
public enum Aggregation {
    /** Every token on its own. */
    NONE,
    /** Adjacent tokens with the same tag (B-X then I-X) grouped, scores averaged. */
    SIMPLE,
    /** Words take the tag of their first token, then grouped as SIMPLE. */
    FIRST,
    /** Words take the tag of their averaged token scores, then grouped. */
    AVERAGE,
    /** Words take the tag of their highest-scoring token, then grouped. */
    MAX;

    /** The strategy of a name (none, simple, first, average or max), ignoring case. */
    public static Aggregation parse(String name) {
        try {
            return valueOf(Options.required("aggregation_strategy", name).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AlbertException("unknown aggregation strategy \"" + name
                    + "\"; expected none, simple, first, average or max");
        }
    }
}
