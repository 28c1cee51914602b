package io.albert4j.pipeline;

/**
 * A tagged token or entity group from the token-classification pipeline. Without aggregation it is
 * one token: {@code label} is Hugging Face's "entity", {@code index} the token's position, and
 * {@code word} the SentencePiece token (e.g. {@code ▁zurich}; with the fast tokenizer, an
 * {@code <unk>}'s original text). With aggregation it is a group: {@code label} is "entity_group"
 * (the label after its first "-", as Hugging Face names groups), {@code index} is -1, {@code word}
 * its text as the pipeline reports it. {@code start}/{@code end} are UTF-16 offsets into the input
 * text (the JSON layer converts them to Python's code points).
 *
 * <p>Immutable and thread-safe.
 */
public record Entity(String label, double score, int index, String word, int start, int end, boolean grouped) {
}
