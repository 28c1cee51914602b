package io.albert4j.pipeline;

import io.albert4j.AlbertException;

import java.util.List;

/**
 * Options of the zero-shot-classification pipeline, with Hugging Face's names and defaults.
 * {@code candidate_labels} has no default: a pipeline refuses to run until it has one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param candidateLabels    {@code candidate_labels}: the labels to score (none by default)
 * @param hypothesisTemplate {@code hypothesis_template}, with {@code {}} where a label goes
 *                           ({@value #DEFAULT_HYPOTHESIS_TEMPLATE})
 * @param multiLabel         {@code multi_label}: score each label on its own (false)
 */
public record ZeroShotOptions(List<String> candidateLabels, String hypothesisTemplate, boolean multiLabel) {
    /** Hugging Face's default hypothesis template. */
    public static final String DEFAULT_HYPOTHESIS_TEMPLATE = "This example is {}.";

    private static final ZeroShotOptions DEFAULTS = new ZeroShotOptions(List.of(), DEFAULT_HYPOTHESIS_TEMPLATE, false);

    public ZeroShotOptions {
        candidateLabels = Options.strings("candidate_labels", candidateLabels);
        Options.required("hypothesis_template", hypothesisTemplate);
        if (!hypothesisTemplate.contains("{}")) {
            throw new AlbertException("hypothesis_template must hold {} where the label goes, found \""
                    + hypothesisTemplate + "\"");
        }
    }

    public static ZeroShotOptions defaults() {
        return DEFAULTS;
    }

    /** The defaults with these candidate labels. */
    public static ZeroShotOptions of(List<String> candidateLabels) {
        return DEFAULTS.withCandidateLabels(candidateLabels);
    }

    public ZeroShotOptions withCandidateLabels(List<String> value) {
        return new ZeroShotOptions(value, hypothesisTemplate, multiLabel);
    }

    public ZeroShotOptions withHypothesisTemplate(String value) {
        return new ZeroShotOptions(candidateLabels, value, multiLabel);
    }

    public ZeroShotOptions withMultiLabel(boolean value) {
        return new ZeroShotOptions(candidateLabels, hypothesisTemplate, value);
    }
}
