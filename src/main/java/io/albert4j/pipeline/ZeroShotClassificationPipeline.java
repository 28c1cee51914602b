package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.config.AlbertConfig;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Truncation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Locale;

/**
 * Hugging Face's zero-shot-classification pipeline for an AlbertForSequenceClassification trained
 * on natural-language inference (MNLI and the like): each candidate label becomes the hypothesis
 * {@code hypothesis_template} with the label in place of {@code {}}, paired with the sequence as the
 * premise (token types 0 and 1; the premise is cut if the pair exceeds the model's positions).
 * Scores: without {@code multi_label}, the softmax of the pairs' entailment logits across the
 * labels; with it (or with a single label, where the pipeline switches to it by itself), for each
 * label on its own the softmax of its entailment logit against its contradiction logit. The
 * entailment class is the first label of the config whose name starts with "entail" (ignoring
 * case); the contradiction class is 0, or the last class when entailment is 0, as transformers
 * takes them.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class ZeroShotClassificationPipeline implements Pipeline<String, ZeroShotResult> {
    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;
    private final ZeroShotOptions options;
    private final int entailmentId;
    private final int contradictionId;

    /** With {@link ZeroShotOptions#defaults()}, which name no candidate labels yet. */
    public ZeroShotClassificationPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        this(model, tokenizer, ZeroShotOptions.defaults());
    }

    /**
     * @throws AlbertException when the head is not a sequence classifier or no label of the config
     *     starts with "entail" (transformers would silently take the last class)
     */
    public ZeroShotClassificationPipeline(AlbertModel model, AlbertTokenizer tokenizer, ZeroShotOptions options) {
        Task.ZERO_SHOT_CLASSIFICATION.requireServedBy(model);
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = Options.required("options", options);
        List<String> labels = model.config().id2label();
        int entailment = entailmentLabel(model.config());
        if (entailment < 0 || labels.size() < 2) {
            throw new AlbertException("zero-shot classification needs an NLI model whose config names an "
                    + "\"entailment\" label and a contradiction label; this one's labels are " + labels);
        }
        entailmentId = entailment;
        contradictionId = entailment == 0 ? labels.size() - 1 : 0;
    }

    /** The first label whose name starts with "entail" (ignoring case), as transformers finds it; -1 if none. */
    static int entailmentLabel(AlbertConfig config) {
        List<String> labels = config.id2label();
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).toLowerCase(Locale.ROOT).startsWith("entail")) {
                return i;
            }
        }
        return -1;
    }

    /** Equal when sharing the model and tokenizer, with equal options. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ZeroShotClassificationPipeline p && p.model == model && p.tokenizer == tokenizer && p.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(model), System.identityHashCode(tokenizer), options);
    }

    @Override
    public Task task() {
        return Task.ZERO_SHOT_CLASSIFICATION;
    }

    public ZeroShotOptions options() {
        return options;
    }

    /** This pipeline with other options (the model and tokenizer shared). */
    public ZeroShotClassificationPipeline withOptions(ZeroShotOptions value) {
        return new ZeroShotClassificationPipeline(model, tokenizer, value);
    }

    /**
     * Batched: every (sequence, label) pair of all sequences in one padded forward pass.
     *
     * @throws AlbertException when the options name no candidate label
     */
    @Override
    public List<ZeroShotResult> run(List<String> sequences) {
        Batch.requireInputs(sequences);
        List<String> candidateLabels = options.candidateLabels();
        if (candidateLabels.isEmpty()) {
            throw new AlbertException("zero-shot classification needs at least one candidate label (candidate_labels)");
        }
        if (sequences.isEmpty()) {
            return List.of();
        }
        List<String> hypotheses = candidateLabels.stream()
                .map(label -> options.hypothesisTemplate().replace("{}", label)).toList();
        EncodeOptions encodeOptions = EncodeOptions.defaults()
                .withMaxLength(model.config().maxPositionEmbeddings()).withTruncation(Truncation.ONLY_FIRST);
        List<Encoding> encodings = new ArrayList<>();
        for (String sequence : sequences) {
            for (String hypothesis : hypotheses) {
                encodings.add(tokenizer.encode(sequence, hypothesis, encodeOptions));
            }
        }
        float[][] logits = model.forward(Batch.of(encodings, tokenizer.padId())).logits().toFloatMatrix();
        List<ZeroShotResult> results = new ArrayList<>();
        int n = hypotheses.size();
        for (int s = 0; s < sequences.size(); s++) {
            float[] scores = options.multiLabel() || n == 1 ? entailmentVersusContradiction(logits, s * n, n)
                    : entailmentAcrossLabels(logits, s * n, n);
            results.add(ranked(sequences.get(s), candidateLabels, scores));
        }
        return results;
    }

    /** Softmax over the labels' entailment logits (exp without shift, as the reference, in float32). */
    private float[] entailmentAcrossLabels(float[][] logits, int from, int n) {
        float[] exp = new float[n];
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            exp[i] = (float) Math.exp(logits[from + i][entailmentId]);
            sum += exp[i];
        }
        for (int i = 0; i < n; i++) {
            exp[i] /= sum;
        }
        return exp;
    }

    /** Per label: softmax of [contradiction, entailment], the entailment share. */
    private float[] entailmentVersusContradiction(float[][] logits, int from, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float entail = (float) Math.exp(logits[from + i][entailmentId]);
            float contradict = (float) Math.exp(logits[from + i][contradictionId]);
            out[i] = entail / (contradict + entail);
        }
        return out;
    }

    /** Highest first; equal scores in reverse label order, as the reference's reversed argsort. */
    private static ZeroShotResult ranked(String sequence, List<String> labels, float[] scores) {
        List<Integer> order = new ArrayList<>();
        for (int i = scores.length - 1; i >= 0; i--) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        return new ZeroShotResult(sequence, order.stream().map(labels::get).toList(),
                order.stream().map(i -> (double) scores[i]).toList());
    }
}
