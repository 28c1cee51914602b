package io.albert4j.tokenizer;

import java.util.Objects;

/**
 * Options of {@link AlbertTokenizer#encode(String, String, EncodeOptions)} and the batch and
 * pre-tokenized variants. Immutable and thread-safe; the {@code with...} methods return copies.
 *
 * @param addSpecialTokens whether to add {@code [CLS] ... [SEP] (... [SEP])}; without them, as in
 *     Hugging Face, every token type id is 0, the pair's included
 * @param maxLength the maximum length including special tokens for truncation and
 *     {@link Padding#MAX_LENGTH}; 0 means the tokenizer's {@link AlbertTokenizer#modelMaxLength()}
 *     when that is finite, else no limit
 * @param truncation how to shorten longer encodings ({@link Truncation#NONE}: never, even when
 *     {@code maxLength} is set)
 * @param padding how to pad
 */
public record EncodeOptions(boolean addSpecialTokens, int maxLength, Truncation truncation, Padding padding) {
    private static final EncodeOptions DEFAULTS = new EncodeOptions(true, 0, Truncation.NONE, Padding.NONE);

    public EncodeOptions {
        Objects.requireNonNull(truncation, "truncation");
        Objects.requireNonNull(padding, "padding");
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must be >= 0 (0 = none), got " + maxLength);
        }
    }

    /** Special tokens added, no truncation, no padding. */
    public static EncodeOptions defaults() {
        return DEFAULTS;
    }

    public EncodeOptions withAddSpecialTokens(boolean value) {
        return new EncodeOptions(value, maxLength, truncation, padding);
    }

    public EncodeOptions withMaxLength(int value) {
        return new EncodeOptions(addSpecialTokens, value, truncation, padding);
    }

    public EncodeOptions withTruncation(Truncation value) {
        return new EncodeOptions(addSpecialTokens, maxLength, value, padding);
    }

    public EncodeOptions withPadding(Padding value) {
        return new EncodeOptions(addSpecialTokens, maxLength, truncation, value);
    }
}
