package io.albert4j.tokenizer;

import io.albert4j.AlbertException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Hugging Face's slow ALBERT decoding: ids to pieces, special tokens kept apart from the
 * SentencePiece-decoded text around them ({@code AlbertTokenizer.convert_tokens_to_string}), the
 * result stripped, then {@code clean_up_tokenization}. SentencePiece's {@code DecodePieces} is
 * re-implemented here (0.2.0 rules) so decoding needs no native call. Immutable and thread-safe.
 */
final class Detokenizer {
    private static final String[][] CLEAN_UP = {
        {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"}, {" 'm", "'m"},
        {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
    };

    private final Vocabulary vocabulary;
    private final Set<Integer> specialIds;
    private final boolean stripBosSpace;
    private final boolean removeExtraWhitespaces;
    private final String unkSurface;
    private final boolean cleanUpSpaces;

    Detokenizer(Vocabulary vocabulary, Set<Integer> specialIds, SpModelFile model, boolean cleanUpSpaces) {
        this.vocabulary = vocabulary;
        this.specialIds = Set.copyOf(specialIds);
        this.stripBosSpace = model.addDummyPrefix || model.removeExtraWhitespaces;
        this.removeExtraWhitespaces = model.removeExtraWhitespaces;
        this.unkSurface = model.unkSurface;
        this.cleanUpSpaces = cleanUpSpaces;
    }

    String decode(int[] ids, boolean skipSpecialTokens) {
        String text = tokensToString(ids, skipSpecialTokens);
        return cleanUpSpaces ? cleanUp(text) : text;
    }

    /** {@code convert_tokens_to_string} of the ids' pieces: {@link #decode} without the clean-up. */
    String tokensToString(int[] ids, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder();
        List<Integer> run = new ArrayList<>();
        boolean previousSpecial = false;
        for (int id : ids) {
            if (!vocabulary.inRange(id)) {
                throw new AlbertException("token id " + id + " is out of range [0, " + vocabulary.size() + ")");
            }
            boolean special = specialIds.contains(id);
            if (special && skipSpecialTokens) {
                continue;
            }
            if (!special) {
                run.add(id);
                previousSpecial = false;
                continue;
            }
            if (!previousSpecial) {
                out.append(' ');
            }
            out.append(decodePieces(run)).append(vocabulary.piece(id));
            run.clear();
            previousSpecial = true;
        }
        out.append(decodePieces(run));
        return pythonStrip(out);
    }

    /** SentencePiece {@code DecodePieces}: leading whitespace of the text dropped, {@code ▁} to space. */
    private String decodePieces(List<Integer> ids) {
        StringBuilder text = new StringBuilder();
        boolean bosSpace = true;
        boolean bosSpaceSeen = false;
        for (int id : ids) {
            if (bosSpaceSeen || text.length() > 0) {
                bosSpace = false;
            }
            String piece = vocabulary.piece(id);
            int type = vocabulary.type(id);
            bosSpaceSeen = false;
            if (type == SpModelFile.TYPE_CONTROL) {
                continue;
            }
            if (type == SpModelFile.TYPE_UNKNOWN) {
                text.append(unkSurface);
                continue;
            }
            if (bosSpace && stripBosSpace && !piece.isEmpty() && piece.charAt(0) == SpNormalizer.SPACE_SYMBOL) {
                piece = piece.substring(1);
                bosSpaceSeen = !removeExtraWhitespaces;
            }
            text.append(piece.replace(SpNormalizer.SPACE_SYMBOL, ' '));
        }
        return text.toString();
    }

    private static String pythonStrip(CharSequence text) {
        int start = 0;
        int end = text.length();
        while (start < end && Preprocessor.isPythonSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && Preprocessor.isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.subSequence(start, end).toString();
    }

    static String cleanUp(String text) {
        String out = text;
        for (String[] rule : CLEAN_UP) {
            out = out.replace(rule[0], rule[1]);
        }
        return out;
    }
}
