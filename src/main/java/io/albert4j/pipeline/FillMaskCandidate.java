package io.albert4j.pipeline;

/**
 * One candidate for a masked position, as Hugging Face's fill-mask pipeline reports it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param score    softmax probability over the whole vocabulary
 * @param token    the candidate's token id
 * @param tokenStr the candidate decoded on its own
 * @param sequence the input with this candidate in place of the mask, decoded
 */
public record FillMaskCandidate(double score, int token, String tokenStr, String sequence) {
}
