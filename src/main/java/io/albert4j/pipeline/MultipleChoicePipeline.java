package io.albert4j.pipeline;

import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Multiple choice with an AlbertForMultipleChoice checkpoint: each choice is encoded as the pair
 * (prompt, choice) and scored; scores are the softmax over the choices, in the given order.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class MultipleChoicePipeline implements Pipeline<MultipleChoiceInput, List<ChoiceScore>> {
    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;

    /** @throws io.albert4j.AlbertException when the checkpoint is not a multiple-choice model */
    public MultipleChoicePipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        Task.MULTIPLE_CHOICE.requireServedBy(model);
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** Equal when sharing the model and tokenizer. */
    @Override
    public boolean equals(Object o) {
        return o instanceof MultipleChoicePipeline p && p.model == model && p.tokenizer == tokenizer;
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(model), System.identityHashCode(tokenizer));
    }

    @Override
    public Task task() {
        return Task.MULTIPLE_CHOICE;
    }

    /**
     * Batched: every (prompt, choice) pair of all inputs in one padded forward pass. The head scores
     * each pair on its own, so inputs with different numbers of choices share the pass; the softmax
     * then runs over each input's choices.
     */
    @Override
    public List<List<ChoiceScore>> run(List<MultipleChoiceInput> inputs) {
        Batch.requireInputs(inputs);
        if (inputs.isEmpty()) {
            return List.of();
        }
        EncodeOptions options = Batch.truncatedToModel(model);
        List<Encoding> encodings = new ArrayList<>();
        for (MultipleChoiceInput input : inputs) {
            input.choices().forEach(c -> encodings.add(tokenizer.encode(input.prompt(), c, options)));
        }
        float[][] logits = model.forward(Batch.of(encodings, tokenizer.padId())).logits().toFloatMatrix(); // [pairs, 1]
        List<List<ChoiceScore>> results = new ArrayList<>();
        int row = 0;
        for (MultipleChoiceInput input : inputs) {
            float[] own = new float[input.choices().size()];
            for (int i = 0; i < own.length; i++) {
                own[i] = logits[row++][0];
            }
            float[] p = Scores.softmax(own);
            List<ChoiceScore> scores = new ArrayList<>();
            for (int i = 0; i < own.length; i++) {
                scores.add(new ChoiceScore(input.choices().get(i), p[i]));
            }
            results.add(scores);
        }
        return results;
    }
}
