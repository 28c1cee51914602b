package io.albert4j.tokenizer;

import java.util.Objects;

/**
 * One SentencePiece piece of a text, with its vocabulary id and the span of the original text
 * it covers.
 *
 * <p>{@code start} and {@code end} are UTF-16 char indices into the text that was tokenized,
 * end exclusive, as Hugging Face's fast tokenizers define offsets: the {@code ▁} word-boundary
 * marker is not part of a span (so {@code "▁hello"} in {@code " hello"} covers {@code "hello"}),
 * and a piece made of {@code ▁} only has, in slow mode, an empty span where the next character
 * starts, and in fast mode (as {@code offset_mapping}) the span of that next character.
 * Normalization is undone: a piece of a lower-cased, accent-stripped or NFKD-expanded character
 * covers that original character, so several pieces can share one character (for example the
 * pieces of {@code "½"}, which decomposes to {@code "1⁄2"}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param piece the SentencePiece piece (or the special token, such as {@code "[MASK]"})
 * @param id its vocabulary id ({@code <unk>}'s id for pieces outside the vocabulary)
 * @param start first char of the span
 * @param end one past the last char of the span
 */
public record Token(String piece, int id, int start, int end) {
    public Token {
        Objects.requireNonNull(piece, "piece");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid span [" + start + ", " + end + ") for piece " + piece);
        }
    }
}
