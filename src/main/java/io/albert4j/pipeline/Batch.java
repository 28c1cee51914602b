package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Truncation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What every pipeline does around the model: checks its inputs, tokenizes within the
 * model's positions, and pads sequences of different lengths to the longest, right-padded as
 * Hugging Face pads.
 */
final class Batch {
    private Batch() {
    }

    /** Fails for a null list or a null input, naming its position. */
    static void requireInputs(List<?> inputs) {
        if (inputs == null) {
            throw new AlbertException("the list of inputs is null");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null) {
                throw new AlbertException("input " + i + " is null");
            }
        }
    }

    /** Special tokens added, longest-first truncation to the model's max_position_embeddings. */
    static EncodeOptions truncatedToModel(AlbertModel model) {
        return EncodeOptions.defaults()
                .withMaxLength(model.config().maxPositionEmbeddings()).withTruncation(Truncation.LONGEST_FIRST);
    }

    /** One model input for all encodings (each unpadded, attention mask all ones). */
    static AlbertInput of(List<Encoding> encodings, int padId) {
        return pad(encodings.stream().map(Encoding::inputIds).toList(),
                encodings.stream().map(Encoding::tokenTypeIds).toList(), padId);
    }

    /**
     * One model input for unpadded sequences: padding uses {@code padId}, token type 0 and
     * attention mask 0; real tokens get attention mask 1.
     */
    static AlbertInput pad(List<int[]> ids, List<int[]> types, int padId) {
        int seq = ids.stream().mapToInt(a -> a.length).max().orElseThrow();
        int rows = ids.size();
        int[][] paddedIds = new int[rows][seq];
        int[][] paddedTypes = new int[rows][seq];
        int[][] mask = new int[rows][seq];
        for (int r = 0; r < rows; r++) {
            int length = ids.get(r).length;
            Arrays.fill(paddedIds[r], padId);
            System.arraycopy(ids.get(r), 0, paddedIds[r], 0, length);
            System.arraycopy(types.get(r), 0, paddedTypes[r], 0, length);
            Arrays.fill(mask[r], 0, length, 1);
        }
        return AlbertInput.of(paddedIds, paddedTypes, mask);
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
