package io.albert4j.pipeline;

import java.util.List;

/**
 * Options of the fill-mask pipeline, with Hugging Face's names and defaults.
 *
 * <p>Immutable and thread-safe.
 *
 * @param topK    {@code top_k}: candidates per mask, 1 to {@value #MAX_TOP_K} (5)
 * @param targets {@code targets}: words to restrict the candidates to; empty for the whole
 *                vocabulary (the default)
 */
public record FillMaskOptions(int topK, List<String> targets) {
    /** Hugging Face's default number of candidates. */
    public static final int DEFAULT_TOP_K = 5;
    /** The largest {@code top_k}: bounds a result, in which each candidate carries a decoded sequence. */
    public static final int MAX_TOP_K = 1000;

    private static final FillMaskOptions DEFAULTS = new FillMaskOptions(DEFAULT_TOP_K, List.of());

    public FillMaskOptions {
        Options.requireRange("top_k", topK, 1, MAX_TOP_K);
        targets = Options.strings("targets", targets);
    }

    public static FillMaskOptions defaults() {
        return DEFAULTS;
    }

    public FillMaskOptions withTopK(int value) {
        return new FillMaskOptions(value, targets);
    }

    public FillMaskOptions withTargets(List<String> value) {
        return new FillMaskOptions(topK, value);
    }
}
