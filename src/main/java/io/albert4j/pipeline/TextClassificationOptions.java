package io.albert4j.pipeline;

import java.util.Optional;

/**
 * Options of the text-classification pipeline, with Hugging Face's names and defaults.
 *
 * <p>Immutable and thread-safe.
 *
 * @param topK            {@code top_k}: labels to return, highest first, at least 1 (1, as the
 *                        pipeline's default; {@link #ALL_LABELS} for every label, as {@code top_k=None})
 * @param functionToApply {@code function_to_apply}: how logits become scores; empty for Hugging
 *                        Face's default for the checkpoint's config ({@link ScoreFunction#defaultFor})
 */
public record TextClassificationOptions(int topK, Optional<ScoreFunction> functionToApply) {
    /** Every label, as Hugging Face's {@code top_k=None}. */
    public static final int ALL_LABELS = Integer.MAX_VALUE;

    private static final TextClassificationOptions DEFAULTS = new TextClassificationOptions(1, Optional.empty());

    public TextClassificationOptions {
        Options.requireRange("top_k", topK, 1, ALL_LABELS);
        Options.required("function_to_apply", functionToApply);
    }

    public static TextClassificationOptions defaults() {
        return DEFAULTS;
    }

    public TextClassificationOptions withTopK(int value) {
        return new TextClassificationOptions(value, functionToApply);
    }

    /** Every label, highest first. */
    public TextClassificationOptions withAllLabels() {
        return withTopK(ALL_LABELS);
    }

    public TextClassificationOptions withFunctionToApply(ScoreFunction value) {
        return new TextClassificationOptions(topK, Optional.of(Options.required("function_to_apply", value)));
    }
}
