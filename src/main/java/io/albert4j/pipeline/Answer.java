package io.albert4j.pipeline;

/**
 * An extractive answer. With a fast tokenizer (the default), as transformers reports it with one:
 * {@code answer} is {@code context.substring(start, end)}, from the first character of the word
 * holding the span's first token to the last character of the word holding its last token. With
 * a slow tokenizer, as transformers 4 reports it with the slow one: {@code answer} is the
 * whitespace-delimited context words the span covers, joined by single spaces; {@code start} is the
 * index of its first character; {@code end} is the index of the last character mapped to its last
 * word, which is the whitespace after that word (so {@code context.substring(start, end)} is the
 * answer) except at the very end of the context, where it is the final character itself (the
 * reference's off-by-one, kept for parity). An impossible-answer entry has start = end = 0 and an
 * empty answer. Offsets are UTF-16 indices (equal to Python's for text within the Basic
 * Multilingual Plane; the JSON layer converts them to Python's code-point indices).
 *
 * <p>Immutable and thread-safe.
 *
 * @param score probability of the span: P(start) · P(end)
 */
public record Answer(double score, int start, int end, String answer) {
}
