package io.albert4j.tokenizer;

/**
 * How {@link AlbertTokenizer} shortens an encoding longer than the maximum length (which counts
 * the special tokens), removing tokens from the end of a sequence as Hugging Face's
 * {@code truncate_sequences} does (truncation side right). Thread-safe (an enum).
 */
public enum Truncation {
    /** Never truncate. */
    NONE,
    /**
     * Remove tokens from the longer sequence until both have the same length, then from both
     * equally, the second losing one more when the number left to remove is odd.
     */
    LONGEST_FIRST,
    /** Remove tokens from the first sequence only; it must keep at least one token. */
    ONLY_FIRST,
    /** Remove tokens from the pair only; it must keep at least one token. */
    ONLY_SECOND
}
