package io.albert4j.pipeline;

import io.albert4j.config.AlbertConfig;

/**
 * Hugging Face's {@code function_to_apply}: how classification logits become scores.
 *
 * <p>Immutable and thread-safe.
 */
public enum ScoreFunction {
    SOFTMAX, SIGMOID, NONE;

    /**
     * Hugging Face's default for a config: sigmoid for multi-label classification or a single
     * label, none for regression, softmax otherwise.
     */
    public static ScoreFunction defaultFor(AlbertConfig config) {
        String problem = config.problemType();
        if ("multi_label_classification".equals(problem) || config.numLabels() == 1) {
            return SIGMOID;
        }
        if ("regression".equals(problem)) {
            return NONE;
        }
        return SOFTMAX;
    }

    float[] apply(float[] logits) {
        return switch (this) {
            case SOFTMAX -> Scores.softmax(logits);
            case SIGMOID -> Scores.sigmoid(logits);
            case NONE -> logits.clone();
        };
    }
}
