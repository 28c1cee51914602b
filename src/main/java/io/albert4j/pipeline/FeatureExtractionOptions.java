package io.albert4j.pipeline;

import io.albert4j.AlbertException;

/**
 * Options of the feature-extraction pipeline. Hugging Face's pipeline returns every token's last
 * hidden state ({@link Pooling#NONE}, the default); albert4j can also pool them into one sentence
 * embedding, optionally L2-normalised (as sentence-transformers' {@code normalize_embeddings}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param pooling   how the token states become the result ({@link Pooling#NONE}: all of them)
 * @param normalize L2-normalise the pooled vector; needs a pooling other than NONE (false)
 */
public record FeatureExtractionOptions(Pooling pooling, boolean normalize) {
    private static final FeatureExtractionOptions DEFAULTS = new FeatureExtractionOptions(Pooling.NONE, false);

    public FeatureExtractionOptions {
        Options.required("pooling", pooling);
        if (normalize && pooling == Pooling.NONE) {
            throw new AlbertException("normalize needs a pooling (cls, mean or pooler): token-level features are "
                    + "not normalized");
        }
    }

    public static FeatureExtractionOptions defaults() {
        return DEFAULTS;
    }

    public FeatureExtractionOptions withPooling(Pooling value) {
        return new FeatureExtractionOptions(value, normalize);
    }

    public FeatureExtractionOptions withNormalize(boolean value) {
        return new FeatureExtractionOptions(pooling, value);
    }
}
