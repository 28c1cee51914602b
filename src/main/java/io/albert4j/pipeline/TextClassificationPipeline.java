package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Hugging Face's text-classification pipeline for a fine-tuned AlbertForSequenceClassification:
 * single texts or text pairs, labels from id2label, scores highest first. Inputs longer than the
 * model's positions are truncated, longest first.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class TextClassificationPipeline implements Pipeline<TextPair, List<LabelScore>> {
    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;
    private final TextClassificationOptions options;
    private final ScoreFunction function;

    /** With {@link TextClassificationOptions#defaults()}. */
    public TextClassificationPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        this(model, tokenizer, TextClassificationOptions.defaults());
    }

    /** @throws AlbertException when the checkpoint is not a sequence classifier */
    public TextClassificationPipeline(AlbertModel model, AlbertTokenizer tokenizer, TextClassificationOptions options) {
        Task.TEXT_CLASSIFICATION.requireServedBy(model);
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = Options.required("options", options);
        this.function = options.functionToApply().orElseGet(() -> ScoreFunction.defaultFor(model.config()));
    }

    /** Equal when sharing the model and tokenizer, with equal options. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TextClassificationPipeline p && p.model == model && p.tokenizer == tokenizer && p.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(model), System.identityHashCode(tokenizer), options);
    }

    @Override
    public Task task() {
        return Task.TEXT_CLASSIFICATION;
    }

    public TextClassificationOptions options() {
        return options;
    }

    /** This pipeline with other options (the model and tokenizer shared). */
    public TextClassificationPipeline withOptions(TextClassificationOptions value) {
        return new TextClassificationPipeline(model, tokenizer, value);
    }

    /** Batched: texts and pairs, mixed as they come, in one padded forward pass. */
    @Override
    public List<List<LabelScore>> run(List<TextPair> inputs) {
        Batch.requireInputs(inputs);
        if (inputs.isEmpty()) {
            return List.of();
        }
        EncodeOptions encodeOptions = Batch.truncatedToModel(model);
        List<Encoding> encodings = new ArrayList<>();
        for (TextPair input : inputs) {
            encodings.add(tokenizer.encode(input.text(), input.textPair(), encodeOptions));
        }
        float[][] logits = model.forward(Batch.of(encodings, tokenizer.padId())).logits().toFloatMatrix();
        List<String> labels = model.config().id2label();
        List<List<LabelScore>> results = new ArrayList<>();
        for (float[] row : logits) {
            float[] scores = function.apply(row);
            List<LabelScore> ranked = new ArrayList<>();
            for (int index : Scores.topK(scores, options.topK())) {
                ranked.add(new LabelScore(labels.get(index), scores[index]));
            }
            results.add(ranked);
        }
        return results;
    }

}
