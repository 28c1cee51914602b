package io.albert4j.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The added tokens of a {@code tokenizer.json} and how the {@code tokenizers} library cuts them
 * out of a text before the normalizer runs: leftmost-longest matching, {@code single_word}
 * (skipped unless not touching word characters), {@code lstrip} / {@code rstrip} (the match
 * absorbs the whitespace on that side, never into an earlier match). Immutable and thread-safe.
 */
final class AddedTokens {
    /** One added token as {@code tokenizer.json} describes it. */
    record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip,
                      boolean singleWord, boolean normalized) {
    }

    /** A match: the token and the char range of the text it takes, stripped whitespace included. */
    record Match(AddedToken token, int from, int to) {
    }

    private final List<AddedToken> tokens;
    private final BitSet firstChars = new BitSet();

    /** @param tokens the tokens of one kind (matched on the raw text, or on the normalized text) */
    AddedTokens(List<AddedToken> tokens) {
        this.tokens = List.copyOf(tokens);
        this.tokens.forEach(t -> firstChars.set(t.content().charAt(0)));
    }

    boolean isEmpty() {
        return tokens.isEmpty();
    }

    /** The matches in {@code text[from, to)}, in order; offsets are into {@code text}. */
    List<Match> find(CharSequence text, int from, int to) {
        List<Match> out = new ArrayList<>();
        int previousEnd = from;
        int i = from;
        while (i < to) {
            AddedToken token = longestAt(text, i, to);
            if (token == null) {
                i++;
                continue;
            }
            int start = i;
            int stop = i + token.content().length();
            i = stop;
            if (token.singleWord() && (start > from && isWordChar(text, start - 1, true)
                    || stop < to && isWordChar(text, stop, false))) {
                continue;
            }
            if (token.lstrip()) {
                int s = start;
                while (s > previousEnd && isWhitespaceBefore(text, s)) {
                    s -= Character.charCount(Character.codePointBefore(text, s));
                }
                start = s;
            }
            if (token.rstrip()) {
                while (stop < to && FastTokenizer.isWhitespace(Character.codePointAt(text, stop))) {
                    stop += Character.charCount(Character.codePointAt(text, stop));
                }
                i = stop;
            }
            out.add(new Match(token, start, stop));
            previousEnd = stop;
        }
        return out;
    }

    private AddedToken longestAt(CharSequence text, int at, int to) {
        if (!firstChars.get(text.charAt(at))) {
            return null;
        }
        AddedToken best = null;
        for (AddedToken token : tokens) {
            String content = token.content();
            if ((best == null || content.length() > best.content().length()) && regionMatches(text, at, to, content)) {
                best = token;
            }
        }
        return best;
    }

    private static boolean isWhitespaceBefore(CharSequence text, int at) {
        return FastTokenizer.isWhitespace(Character.codePointBefore(text, at));
    }

    /** Rust's {@code is_alphanumeric() || '_'} on the code point before or at {@code at}, from the library's data. */
    private static boolean isWordChar(CharSequence text, int at, boolean before) {
        int cp = before ? Character.codePointBefore(text, at + 1) : Character.codePointAt(text, at);
        return FastUnicode.get().isWordChar(cp);
    }

    private static boolean regionMatches(CharSequence text, int at, int to, String content) {
        if (content.length() > to - at) {
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
