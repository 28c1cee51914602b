package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.AlbertOutput;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Hugging Face's fill-mask pipeline: for every {@code [MASK]} in a text, the top-k vocabulary
 * candidates by probability, optionally restricted to target words. The result for a text is one
 * candidate list per mask, in text order.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class FillMaskPipeline implements Pipeline<String, List<List<FillMaskCandidate>>> {
    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;
    private final FillMaskOptions options;
    private final int[] targetIds; // null: the whole vocabulary

    /** With {@link FillMaskOptions#defaults()}. */
    public FillMaskPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        this(model, tokenizer, FillMaskOptions.defaults());
    }

    /**
     * @throws AlbertException when the checkpoint has no masked-LM head or no target is in the vocabulary
     */
    public FillMaskPipeline(AlbertModel model, AlbertTokenizer tokenizer, FillMaskOptions options) {
        Task.FILL_MASK.requireServedBy(model);
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = Options.required("options", options);
        this.targetIds = targetIds(options.targets());
    }

    /** Equal when sharing the model and tokenizer, with equal options. */
    @Override
    public boolean equals(Object o) {
        return o instanceof FillMaskPipeline p && p.model == model && p.tokenizer == tokenizer && p.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(model), System.identityHashCode(tokenizer), options);
    }

    @Override
    public Task task() {
        return Task.FILL_MASK;
    }

    public FillMaskOptions options() {
        return options;
    }

    /** This pipeline with other options (the model and tokenizer shared). */
    public FillMaskPipeline withOptions(FillMaskOptions value) {
        return new FillMaskPipeline(model, tokenizer, value);
    }

    /** Batched: one result per text, computed in one padded forward pass. */
    @Override
    public List<List<List<FillMaskCandidate>>> run(List<String> texts) {
        Batch.requireInputs(texts);
        List<Encoding> encodings = new ArrayList<>();
        for (String text : texts) {
            Encoding e = tokenizer.encode(text);
            if (maskPositions(e).length == 0) {
                throw new AlbertException("no " + tokenizer.maskToken() + " token in the input: \"" + text + "\"");
            }
            encodings.add(e);
        }
        if (encodings.isEmpty()) {
            return List.of();
        }
        AlbertOutput out = model.forward(Batch.of(encodings, tokenizer.padId()));
        List<List<List<FillMaskCandidate>>> results = new ArrayList<>();
        for (int b = 0; b < encodings.size(); b++) {
            Encoding e = encodings.get(b);
            int[] masks = maskPositions(e);
            float[][] logits = out.predictionLogits(b, masks).toFloatMatrix(); // [masks, vocab]
            List<List<FillMaskCandidate>> perMask = new ArrayList<>();
            for (int m = 0; m < masks.length; m++) {
                perMask.add(candidates(e.inputIds(), masks[m], logits[m], masks.length == 1));
            }
            results.add(perMask);
        }
        return results;
    }

    private List<FillMaskCandidate> candidates(int[] ids, int position, float[] logits, boolean singleMask) {
        float[] probs = Scores.softmax(logits);
        int[] pool = targetIds;
        float[] poolProbs = probs;
        if (pool != null) {
            poolProbs = new float[pool.length];
            for (int i = 0; i < pool.length; i++) {
                poolProbs[i] = probs[pool[i]];
            }
        }
        List<FillMaskCandidate> out = new ArrayList<>();
        for (int index : Scores.topK(poolProbs, options.topK())) {
            int token = pool == null ? index : pool[index];
            int[] filled = ids.clone();
            filled[position] = token;
            out.add(new FillMaskCandidate(poolProbs[index], token, tokenizer.decode(new int[] {token}, false),
                    tokenizer.decode(withoutPadding(filled), singleMask)));
        }
        return out;
    }

    /** Hugging Face's target resolution: a vocabulary token, else the first piece of the word. */
    private int[] targetIds(List<String> targets) {
        if (targets.isEmpty()) {
            return null;
        }
        Set<Integer> ids = new LinkedHashSet<>();
        for (String target : targets) {
            int id = tokenizer.tokenToId(target);
            if (id == tokenizer.unkId() && !target.equals(tokenizer.idToToken(tokenizer.unkId()))) {
                var pieces = tokenizer.tokenize(target);
                if (pieces.isEmpty()) {
                    continue;
                }
                id = pieces.get(0).id();
            }
            ids.add(id);
        }
        if (ids.isEmpty()) {
            throw new AlbertException("none of the targets " + targets + " is in the vocabulary");
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] maskPositions(Encoding e) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < e.length(); i++) {
            if (e.inputIds()[i] == tokenizer.maskId()) {
                positions.add(i);
            }
        }
        return positions.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] withoutPadding(int[] ids) {
        return java.util.Arrays.stream(ids).filter(id -> id != tokenizer.padId()).toArray();
    }
}
