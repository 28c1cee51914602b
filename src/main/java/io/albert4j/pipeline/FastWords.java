package io.albert4j.pipeline;

import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.Encoding;

import java.util.List;

/**
 * What transformers' pipelines read from a fast ({@code tokenizers}) encoding beyond ids and
 * offsets: the word each token belongs to ({@code word_ids}) and the text of a list of tokens
 * ({@code convert_tokens_to_string}, the Metaspace decoder). Stateless.
 */
final class FastWords {
    /** SentencePiece's word-boundary mark. */
    static final char METASPACE = '\u2581';

    private FastWords() {
    }

    /**
     * The word index of every position ({@code word_ids}), -1 for the template's special tokens and
     * padding. As the {@code tokenizers} library numbers words: every Metaspace word (a piece
     * beginning with {@code ▁}) starts one, and so does every added token cut out of the raw text
     * (special tokens written in the text, ALBERT's user-defined pieces such as {@code .}), the
     * text after one starting a new word. An added token's id produced by the model instead (an
     * unknown character's {@code <unk>}, a {@code "} normalized from {@code ''}) continues its word:
     * it is recognized because the raw text under its offsets is not the token itself.
     *
     * @param texts the text of each sequence (index = sequence id)
     */
    static int[] wordIds(Encoding encoding, List<String> texts, AlbertTokenizer tokenizer) {
        int[] words = new int[encoding.length()];
        int word = -1;
        int previousSequence = -1;
        boolean previousAdded = false;
        for (int i = 0; i < words.length; i++) {
            int sequence = encoding.sequenceIds()[i];
            if (sequence < 0) {
                words[i] = -1;
                continue;
            }
            int id = encoding.inputIds()[i];
            String piece = tokenizer.idToToken(id);
            boolean added = tokenizer.isAddedToken(id) && texts.get(sequence)
                    .substring(encoding.starts()[i], encoding.ends()[i]).strip().equals(piece);
            if (sequence != previousSequence) {
                word = -1;
            }
            if (word < 0 || added || previousAdded || piece.charAt(0) == METASPACE) {
                word++;
            }
            words[i] = word;
            previousSequence = sequence;
            previousAdded = added;
        }
        return words;
    }

    /**
     * The {@code tokenizers} Metaspace decoder ({@code prepend_scheme} always), which is a fast
     * tokenizer's {@code convert_tokens_to_string}: every {@code ▁} becomes a space, except in the
     * first token, where it is dropped.
     */
    static String tokensToString(List<String> tokens) {
        StringBuilder out = new StringBuilder();
        for (int t = 0; t < tokens.size(); t++) {
            String token = tokens.get(t);
            for (int c = 0; c < token.length(); c++) {
                char ch = token.charAt(c);
                if (ch != METASPACE) {
                    out.append(ch);
                } else if (t > 0) {
                    out.append(' ');
                }
            }
        }
        return out.toString();
    }
}
