package io.albert4j.pipeline;

/**
 * An extractive answer, reported as Hugging Face reports it for ALBERT: {@code answer} is the
 * whitespace-delimited context words the span covers, joined by single spaces; {@code start} is the
 * index of its first character; {@code end} is the index of the last character mapped to its last
 * word, which is the whitespace after that word (so {@code context.substring(start, end)} is the
 * answer) except at the very end of the context, where it is the final character itself (the
 * reference's off-by-one, kept for parity). An impossible-answer entry has start = end = 0 and an
 * empty answer. Offsets are UTF-16 indices (equal to Python's for text within the Basic
 * Multilingual Plane).
 *
 * <p>Immutable and thread-safe.
 *
 * @param score probability of the span: P(start) · P(end)
 */
public record Answer(double score, int start, int end, String answer) {
}
