package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Sentence-order prediction with an AlbertForPreTraining checkpoint: for a pair (A, B), the softmax
 * of the SOP logits, label "in_order" (SOP class 0: B follows A) and "swapped" (class 1), highest
 * first.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class SentenceOrderPipeline implements Pipeline<TextPair, List<LabelScore>> {
    public static final String IN_ORDER = "in_order";
    public static final String SWAPPED = "swapped";

    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;

    /** @throws AlbertException when the checkpoint is not AlbertForPreTraining */
    public SentenceOrderPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        Task.SENTENCE_ORDER.requireServedBy(model);
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** Equal when sharing the model and tokenizer. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SentenceOrderPipeline p && p.model == model && p.tokenizer == tokenizer;
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(model), System.identityHashCode(tokenizer));
    }

    @Override
    public Task task() {
        return Task.SENTENCE_ORDER;
    }

    /**
     * Batched: the pairs in one padded forward pass.
     *
     * @throws AlbertException for an input without its second text
     */
    @Override
    public List<List<LabelScore>> run(List<TextPair> pairs) {
        Batch.requireInputs(pairs);
        if (pairs.isEmpty()) {
            return List.of();
        }
        EncodeOptions options = Batch.truncatedToModel(model);
        List<Encoding> encodings = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            TextPair pair = pairs.get(i);
            if (!pair.isPair()) {
                throw new AlbertException("sentence order needs a text pair; input " + i + " has no text_pair");
            }
            encodings.add(tokenizer.encode(pair.text(), pair.textPair(), options));
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
