package io.albert4j.tokenizer;

/**
 * How {@link AlbertTokenizer} pads encodings, always on the right with {@code <pad>} (token type
 * 0, attention mask 0, sequence id -1, offsets 0,0). Thread-safe (an enum).
 */
public enum Padding {
    /** No padding. */
    NONE,
    /** Pad every encoding of a batch to the longest one; a single encoding is left as it is. */
    LONGEST,
    /**
     * Pad to the maximum length ({@link EncodeOptions#maxLength()}, or the tokenizer's
     * {@link AlbertTokenizer#modelMaxLength()} when that is 0 and finite); longer encodings are
     * left as they are unless truncation is on.
     */
    MAX_LENGTH
}
