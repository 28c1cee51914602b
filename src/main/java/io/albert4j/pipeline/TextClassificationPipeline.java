package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's text-classification pipeline for a fine-tuned AlbertForSequenceClassification:
 * single texts or text pairs, labels from id2label, scores highest first.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class TextClassificationPipeline {
    /** Every label, as Hugging Face's {@code top_k=None}. */
    public static final int ALL_LABELS = Integer.MAX_VALUE;

    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;

    public TextClassificationPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        Batch.requireHead(model, "text classification", Architecture.SEQUENCE_CLASSIFICATION);
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * Scores of one text (or pair, when {@code pair} is not null), highest first.
     *
     * @param topK     how many labels to return ({@link #ALL_LABELS} for all)
     * @param function how logits become scores, or null for Hugging Face's default for this config
     */
    public List<LabelScore> classify(String text, String pair, int topK, ScoreFunction function) {
        return classify(List.of(text), pair == null ? null : List.of(pair), topK, function).get(0);
    }

    /** Batched: texts (and pairs, parallel to texts, or null) in one padded forward pass. */
    public List<List<LabelScore>> classify(List<String> texts, List<String> pairs, int topK, ScoreFunction function) {
        if (topK < 1) {
            throw new AlbertException("top_k must be at least 1, found " + topK);
        }
        if (pairs != null && pairs.size() != texts.size()) {
            throw new AlbertException(texts.size() + " texts but " + pairs.size() + " pairs");
        }
        ScoreFunction apply = function != null ? function : ScoreFunction.defaultFor(model.config());
        EncodeOptions options = Batch.truncatedToModel(model);
        List<Encoding> encodings = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            encodings.add(tokenizer.encode(texts.get(i), pairs == null ? null : pairs.get(i), options));
        }
        float[][] logits = model.forward(Batch.of(encodings, tokenizer.padId())).logits().toFloatMatrix();
        List<String> labels = model.config().id2label();
        List<List<LabelScore>> results = new ArrayList<>();
        for (float[] row : logits) {
            float[] scores = apply.apply(row);
            List<LabelScore> ranked = new ArrayList<>();
            for (int index : Scores.topK(scores, topK)) {
                ranked.add(new LabelScore(labels.get(index), scores[index]));
            }
            results.add(ranked);
        }
        return results;
    }
}
