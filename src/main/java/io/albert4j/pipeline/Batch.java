package io.albert4j.pipeline;

import io.albert4j.model.AlbertInput;
import io.albert4j.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.List;

/** Pads encodings of different lengths to the longest, right-padded as Hugging Face pads. */
final class Batch {
    private Batch() {
    }

    /** One model input for all encodings; padding uses {@code padId}, token type 0 and mask 0. */
    static AlbertInput of(List<Encoding> encodings, int padId) {
        int seq = encodings.stream().mapToInt(Encoding::length).max().orElseThrow();
        int rows = encodings.size();
        int[][] ids = new int[rows][seq];
        int[][] types = new int[rows][seq];
        int[][] mask = new int[rows][seq];
        for (int r = 0; r < rows; r++) {
            Encoding e = encodings.get(r);
            java.util.Arrays.fill(ids[r], padId);
            System.arraycopy(e.inputIds(), 0, ids[r], 0, e.length());
            System.arraycopy(e.tokenTypeIds(), 0, types[r], 0, e.length());
            System.arraycopy(e.attentionMask(), 0, mask[r], 0, e.length());
        }
        return AlbertInput.of(ids, types, mask);
    }

    /** Splits a list into consecutive chunks of at most {@code size}. */
    static <T> List<List<T>> chunks(List<T> items, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be positive, found " + size);
        }
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }
}
