package io.albert4j.tokenizer;

/**
 * Which Hugging Face ALBERT tokenizer {@link AlbertTokenizer} reproduces. Thread-safe (an enum).
 */
public enum TokenizerMode {
    /**
     * The default: the {@code tokenizers}-backed tokenizer that {@code AutoTokenizer} and
     * {@code pipeline(...)} use (transformers 4's "AlbertTokenizerFast", transformers 5's only
     * {@code AlbertTokenizer}), from {@code tokenizer.json} or, without one, from
     * {@code spiece.model} converted as transformers 5 converts it. Offsets are
     * {@code offset_mapping}'s.
     */
    FAST,
    /**
     * transformers 4's slow SentencePiece {@code AlbertTokenizer} (needs {@code spiece.model}),
     * for reproducing results of models that were run with it.
     */
    SLOW
}
