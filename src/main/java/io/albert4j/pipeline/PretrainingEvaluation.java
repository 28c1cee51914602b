package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.AlbertOutput;
import io.albert4j.model.Architecture;

import java.util.ArrayList;
import java.util.List;

/**
 * Held-out accuracy of a pre-training checkpoint: masked-LM top-1 and top-5 over pre-masked
 * examples, and sentence-order accuracy over labelled pairs. Examples are token ids (already
 * masked with [MASK]), so the numbers do not depend on random masking.
 *
 * <p>Thread-safe: stateless; shares the (thread-safe) model.
 */
public final class PretrainingEvaluation {
    private static final int BATCH = 16;
    /** ALBERT's {@code <pad>}; padding is masked out, so its id only has to be in the vocabulary. */
    private static final int PAD_ID = 0;

    /** A masked sequence: {@code labels[i]} is the original id at {@code maskedPositions[i]}. */
    public record MaskedExample(int[] inputIds, int[] tokenTypeIds, int[] maskedPositions, int[] labels) {
    }

    /** A segment pair: label 0 when B follows A, 1 when swapped. */
    public record OrderExample(int[] inputIds, int[] tokenTypeIds, int label) {
    }

    /** Accuracies as fractions in [0, 1], with the counts they are over. */
    public record Result(double mlmTop1, double mlmTop5, int maskedTokens, double sopAccuracy, int sopPairs) {
    }

    private PretrainingEvaluation() {
    }

    public static Result evaluate(AlbertModel model, List<MaskedExample> masked, List<OrderExample> ordered) {
        if (model.architecture() != Architecture.PRE_TRAINING) {
            throw new AlbertException("evaluation needs AlbertForPreTraining; this checkpoint is "
                    + model.architecture().className());
        }
        int top1 = 0;
        int top5 = 0;
        int tokens = 0;
        for (List<MaskedExample> batch : Batch.chunks(masked, BATCH)) {
            AlbertOutput out = model.forward(Batch.pad(batch.stream().map(MaskedExample::inputIds).toList(),
                    batch.stream().map(MaskedExample::tokenTypeIds).toList(), PAD_ID));
            for (int b = 0; b < batch.size(); b++) {
                MaskedExample e = batch.get(b);
                float[][] logits = out.predictionLogits(b, e.maskedPositions()).toFloatMatrix(); // [masks, vocab]
                for (int m = 0; m < logits.length; m++) {
                    int label = e.labels()[m];
                    int[] best = Scores.topK(logits[m], 5);
                    top1 += best[0] == label ? 1 : 0;
                    top5 += java.util.Arrays.stream(best).anyMatch(id -> id == label) ? 1 : 0;
                    tokens++;
                }
            }
        }
        int correctOrder = 0;
        for (List<OrderExample> batch : Batch.chunks(ordered, BATCH)) {
            float[][] logits = model.forward(Batch.pad(batch.stream().map(OrderExample::inputIds).toList(),
                    batch.stream().map(OrderExample::tokenTypeIds).toList(), PAD_ID)).sopLogits().toFloatMatrix();
            for (int b = 0; b < batch.size(); b++) {
                correctOrder += Scores.argmax(logits[b]) == batch.get(b).label() ? 1 : 0;
            }
        }
        return new Result(fraction(top1, tokens), fraction(top5, tokens), tokens,
                fraction(correctOrder, ordered.size()), ordered.size());
    }

    private static double fraction(int count, int total) {
        return total == 0 ? Double.NaN : (double) count / total;
    }
}
