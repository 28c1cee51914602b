package io.albert4j.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The special tokens that stay whole when written in the text (Hugging Face's added-tokens
 * trie): their contents, vocabulary ids and strip flags. Immutable and thread-safe.
 */
final class SpecialTokens {
    /** One special token; {@code lstrip} absorbs whitespace on its left, {@code rstrip} on its right. */
    record Special(String content, int id, boolean lstrip, boolean rstrip) {
    }

    /** A special token, or a run of text between special tokens, as a range of a string. */
    record Chunk(int special, int from, int to) {
        boolean isText() {
            return special < 0;
        }
    }

    private final List<Special> tokens;
    private final BitSet firstChars = new BitSet();

    SpecialTokens(List<Special> tokens) {
        this.tokens = List.copyOf(tokens);
        for (Special token : this.tokens) {
            firstChars.set(token.content().charAt(0));
        }
    }

    String content(int index) {
        return tokens.get(index).content();
    }

    Special get(int index) {
        return tokens.get(index);
    }

    /** The index of the longest special token starting at {@code at}, or -1. */
    int matchAt(CharSequence text, int at) {
        if (!firstChars.get(text.charAt(at))) {
            return -1;
        }
        int best = -1;
        for (int k = 0; k < tokens.size(); k++) {
            String content = tokens.get(k).content();
            if ((best < 0 || content.length() > tokens.get(best).content().length())
                    && regionMatches(text, at, content)) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Splits {@code text} into special tokens and the text runs between them, scanning left to
     * right for the earliest (then longest) match, and applies the strip flags: text left of an
     * {@code lstrip} token loses its trailing whitespace, text right of an {@code rstrip} token
     * its leading whitespace. Empty text runs are dropped.
     */
    List<Chunk> split(AlignedText text) {
        List<Chunk> raw = new ArrayList<>();
        int runStart = 0;
        int i = 0;
        while (i < text.length()) {
            int special = matchAt(text, i);
            if (special < 0) {
                i++;
                continue;
            }
            if (i > runStart) {
                raw.add(new Chunk(-1, runStart, i));
            }
            int end = i + content(special).length();
            raw.add(new Chunk(special, i, end));
            i = end;
            runStart = end;
        }
        if (text.length() > runStart) {
            raw.add(new Chunk(-1, runStart, text.length()));
        }
        return strip(raw, text);
    }

    private List<Chunk> strip(List<Chunk> raw, AlignedText text) {
        List<Chunk> out = new ArrayList<>(raw.size());
        for (int k = 0; k < raw.size(); k++) {
            Chunk chunk = raw.get(k);
            if (!chunk.isText()) {
                out.add(chunk);
                continue;
            }
            int from = chunk.from();
            int to = chunk.to();
            if (k > 0 && get(raw.get(k - 1).special()).rstrip()) {
                while (from < to && Preprocessor.isPythonSpace(text.charAt(from))) {
                    from++;
                }
            }
            if (k + 1 < raw.size() && get(raw.get(k + 1).special()).lstrip()) {
                while (to > from && Preprocessor.isPythonSpace(text.charAt(to - 1))) {
                    to--;
                }
            }
            if (to > from) {
                out.add(new Chunk(-1, from, to));
            }
        }
        return out;
    }

    private static boolean regionMatches(CharSequence text, int at, String content) {
        if (content.length() > text.length() - at) {
            return false;
        }
        for (int k = 0; k < content.length(); k++) {
            if (text.charAt(at + k) != content.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
