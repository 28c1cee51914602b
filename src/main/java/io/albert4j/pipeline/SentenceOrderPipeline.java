package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Sentence-order prediction with an AlbertForPreTraining checkpoint: the softmax of the SOP
 * logits, label "in_order" (SOP class 0: B follows A) and "swapped" (class 1).
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class SentenceOrderPipeline {
    public static final String IN_ORDER = "in_order";
    public static final String SWAPPED = "swapped";

    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;

    public SentenceOrderPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        Batch.requireHead(model, "sentence-order prediction", Architecture.PRE_TRAINING);
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** Both labels with their probabilities, highest first. */
    public List<LabelScore> predict(String first, String second) {
        return predict(List.of(first), List.of(second)).get(0);
    }

    /** Batched: pairs (firsts[i], seconds[i]) in one padded forward pass. */
    public List<List<LabelScore>> predict(List<String> firsts, List<String> seconds) {
        if (firsts.size() != seconds.size()) {
            throw new AlbertException(firsts.size() + " first segments but " + seconds.size() + " second segments");
        }
        EncodeOptions options = Batch.truncatedToModel(model);
        List<io.albert4j.tokenizer.Encoding> encodings = new ArrayList<>();
        for (int i = 0; i < firsts.size(); i++) {
            encodings.add(tokenizer.encode(firsts.get(i), seconds.get(i), options));
        }
        float[][] logits = model.forward(Batch.of(encodings, tokenizer.padId())).sopLogits().toFloatMatrix();
        List<List<LabelScore>> out = new ArrayList<>();
        for (float[] row : logits) {
            float[] p = Scores.softmax(row);
            List<LabelScore> scores = new ArrayList<>(List.of(new LabelScore(IN_ORDER, p[0]), new LabelScore(SWAPPED, p[1])));
            scores.sort(Comparator.comparingDouble(LabelScore::score).reversed());
            out.add(scores);
        }
        return out;
    }
}
