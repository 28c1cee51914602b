package io.albert4j.pipeline;

/**
 * An extractive answer: {@code context.substring(start, end)} covers whole whitespace-delimited
 * words, as Hugging Face reports them. An impossible-answer entry has start = end = 0 and an empty
 * answer. Offsets are UTF-16 indices (equal to Python's code-point indices for text without
 * characters outside the Basic Multilingual Plane).
 *
 * @param score probability of the span: P(start) · P(end)
 */
public record Answer(double score, int start, int end, String answer) {
}
