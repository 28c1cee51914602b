package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.List;

/**
 * Multiple choice with an AlbertForMultipleChoice checkpoint: each choice is encoded as the pair
 * (prompt, choice) and scored; scores are the softmax over the choices, in the given order.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class MultipleChoicePipeline {
    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;

    public MultipleChoicePipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        Batch.requireHead(model, "multiple choice", Architecture.MULTIPLE_CHOICE);
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public List<ChoiceScore> choose(String prompt, List<String> choices) {
        if (choices == null || choices.size() < 2) {
            throw new AlbertException("multiple choice needs at least two choices");
        }
        EncodeOptions options = Batch.truncatedToModel(model);
        List<Encoding> encodings = choices.stream().map(c -> tokenizer.encode(prompt, c, options)).toList();
        AlbertInput flat = Batch.of(encodings, tokenizer.padId());
        AlbertInput input = new AlbertInput(flat.inputIds(), flat.tokenTypeIds(), flat.attentionMask(), choices.size());
        float[] p = Scores.softmax(model.forward(input).logits().toFloatMatrix()[0]);
        List<ChoiceScore> out = new ArrayList<>();
        for (int i = 0; i < choices.size(); i++) {
            out.add(new ChoiceScore(choices.get(i), p[i]));
        }
        return out;
    }
}
