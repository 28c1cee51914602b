package io.albert4j.pipeline;

import java.util.List;

/**
 * Options of the token-classification pipeline, with Hugging Face's names and defaults.
 *
 * <p>Immutable and thread-safe.
 *
 * @param aggregationStrategy {@code aggregation_strategy} ({@link Aggregation#NONE})
 * @param ignoreLabels        {@code ignore_labels}: labels left out of the result (["O"])
 */
public record TokenClassificationOptions(Aggregation aggregationStrategy, List<String> ignoreLabels) {
    /** Hugging Face's default ignore_labels. */
    public static final List<String> DEFAULT_IGNORE_LABELS = List.of("O");

    private static final TokenClassificationOptions DEFAULTS =
            new TokenClassificationOptions(Aggregation.NONE, DEFAULT_IGNORE_LABELS);

    public TokenClassificationOptions {
        Options.required("aggregation_strategy", aggregationStrategy);
        ignoreLabels = Options.strings("ignore_labels", ignoreLabels);
    }

    public static TokenClassificationOptions defaults() {
        return DEFAULTS;
    }

    public TokenClassificationOptions withAggregationStrategy(Aggregation value) {
        return new TokenClassificationOptions(value, ignoreLabels);
    }

    public TokenClassificationOptions withIgnoreLabels(List<String> value) {
        return new TokenClassificationOptions(aggregationStrategy, value);
    }
}
