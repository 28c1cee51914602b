package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.config.AlbertConfig;

import java.util.Locale;

/**
 * Hugging Face's {@code function_to_apply}: how classification logits become scores.
 *
 * <p>Immutable and thread-safe.
 */
public enum ScoreFunction {
    SOFTMAX, SIGMOID, NONE;

    /** The function of a {@code function_to_apply} name, ignoring case. */
    public static ScoreFunction parse(String name) {
        try {
            return valueOf(Options.required("function_to_apply", name).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AlbertException("function_to_apply must be softmax, sigmoid or none, found \"" + name + "\"");
        }
    }

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
