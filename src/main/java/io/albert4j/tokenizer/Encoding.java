package io.albert4j.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The model inputs for one text or text pair, position by position: {@code [CLS] A [SEP]} or
 * {@code [CLS] A [SEP] B [SEP]}, then padding.
 *
 * <p>Immutable in intent and safe to share between threads as long as nobody writes to the
 * arrays, which are handed out without copying (for speed) and must be treated as read-only.
 * {@code equals}, {@code hashCode} and {@code toString} compare and show array contents.
 *
 * @param tokens the piece or special token at each position: in fast mode
 *     {@code convert_ids_to_tokens(input_ids)} ({@code <unk>} for an unknown piece); in slow mode,
 *     for a piece outside the vocabulary, the text SentencePiece could not encode, as Hugging
 *     Face's slow {@code tokenize} shows it (its id is {@code <unk>}'s)
 * @param inputIds vocabulary ids
 * @param tokenTypeIds 0 for {@code [CLS]}, the first text and its {@code [SEP]}; 1 for the pair
 *     and its {@code [SEP]}; 0 for padding
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param sequenceIds 0 for pieces of the first text, 1 for pieces of the pair, -1 for added
 *     special tokens and padding (special tokens written in the text itself belong to it)
 * @param starts start offset of each position into the text of its sequence (see {@link Token}),
 *     0 for added special tokens and padding
 * @param ends end offset (exclusive) of each position, 0 for added special tokens and padding
 */
public record Encoding(List<String> tokens, int[] inputIds, int[] tokenTypeIds, int[] attentionMask,
                       int[] sequenceIds, int[] starts, int[] ends) {
    public Encoding {
        tokens = List.copyOf(tokens);
        int n = tokens.size();
        for (int[] array : new int[][] {inputIds, tokenTypeIds, attentionMask, sequenceIds, starts, ends}) {
            Objects.requireNonNull(array, "array");
            if (array.length != n) {
                throw new IllegalArgumentException("every array must have " + n + " entries, one has " + array.length);
            }
        }
    }

    /** The number of positions, padding included. */
    public int length() {
        return tokens.size();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Encoding e && tokens.equals(e.tokens) && Arrays.equals(inputIds, e.inputIds)
                && Arrays.equals(tokenTypeIds, e.tokenTypeIds) && Arrays.equals(attentionMask, e.attentionMask)
                && Arrays.equals(sequenceIds, e.sequenceIds) && Arrays.equals(starts, e.starts)
                && Arrays.equals(ends, e.ends);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokens, Arrays.hashCode(inputIds), Arrays.hashCode(tokenTypeIds),
                Arrays.hashCode(attentionMask), Arrays.hashCode(sequenceIds), Arrays.hashCode(starts),
                Arrays.hashCode(ends));
    }

    @Override
    public String toString() {
        return "Encoding[tokens=" + tokens + ", inputIds=" + Arrays.toString(inputIds) + ", tokenTypeIds="
                + Arrays.toString(tokenTypeIds) + ", attentionMask=" + Arrays.toString(attentionMask)
                + ", sequenceIds=" + Arrays.toString(sequenceIds) + ", starts=" + Arrays.toString(starts)
                + ", ends=" + Arrays.toString(ends) + "]";
    }
}
