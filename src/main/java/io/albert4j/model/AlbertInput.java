package io.albert4j.model;

import io.albert4j.AlbertException;

import java.util.Arrays;

/**
 * A batch of token ids for one forward pass, as Hugging Face's {@code model(**inputs)} takes them.
 * All rows have the same length (pad them; the attention mask marks real tokens with 1).
 * For multiple choice, the rows are the {@code batch × choices} sequences flattened, choice-major
 * within each example (see {@link #multipleChoice}).
 *
 * <p>Immutable by convention: the arrays are not copied, so do not change them after construction.
 *
 * @param inputIds      [rows, seq] token ids
 * @param tokenTypeIds  [rows, seq] segment ids (0 for the first text, 1 for the pair)
 * @param attentionMask [rows, seq] 1 for real tokens, 0 for padding
 * @param choices       sequences per example: 1, or the number of choices for multiple choice
 */
public record AlbertInput(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, int choices) {

    public AlbertInput {
        if (inputIds == null || inputIds.length == 0 || inputIds[0].length == 0) {
            throw new AlbertException("input_ids must be a non-empty [batch, seq] array");
        }
        int seq = inputIds[0].length;
        checkShape("input_ids", inputIds, inputIds.length, seq);
        checkShape("token_type_ids", tokenTypeIds, inputIds.length, seq);
        checkShape("attention_mask", attentionMask, inputIds.length, seq);
        if (choices < 1 || inputIds.length % choices != 0) {
            throw new AlbertException("rows " + inputIds.length + " are not a multiple of choices " + choices);
        }
    }

    /** Ids with token types 0 and a full attention mask. */
    public static AlbertInput of(int[][] inputIds) {
        return new AlbertInput(inputIds, filled(inputIds, 0), filled(inputIds, 1), 1);
    }

    public static AlbertInput of(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask) {
        return new AlbertInput(inputIds, tokenTypeIds, attentionMask, 1);
    }

    /** Multiple-choice inputs shaped [batch, choices, seq], flattened to [batch·choices, seq]. */
    public static AlbertInput multipleChoice(int[][][] inputIds, int[][][] tokenTypeIds, int[][][] attentionMask) {
        int choices = inputIds.length == 0 ? 0 : inputIds[0].length;
        return new AlbertInput(flatten(inputIds), flatten(tokenTypeIds), flatten(attentionMask), choices);
    }

    public int rows() {
        return inputIds.length;
    }

    public int seqLength() {
        return inputIds[0].length;
    }

    private static void checkShape(String name, int[][] a, int rows, int seq) {
        if (a == null || a.length != rows) {
            throw new AlbertException(name + ": expected " + rows + " rows, found "
                    + (a == null ? "null" : a.length));
        }
        for (int i = 0; i < rows; i++) {
            if (a[i] == null || a[i].length != seq) {
                throw new AlbertException(name + " row " + i + ": expected length " + seq + ", found "
                        + (a[i] == null ? "null" : a[i].length));
            }
        }
    }

    private static int[][] filled(int[][] like, int value) {
        int[][] out = new int[like.length][];
        for (int i = 0; i < like.length; i++) {
            out[i] = new int[like[i].length];
            Arrays.fill(out[i], value);
        }
        return out;
    }

    private static int[][] flatten(int[][][] a) {
        return Arrays.stream(a).flatMap(Arrays::stream).toArray(int[][]::new);
    }
}
