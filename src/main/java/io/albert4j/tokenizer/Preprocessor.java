package io.albert4j.tokenizer;

import java.text.Normalizer;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text transformations Hugging Face applies before SentencePiece, each keeping the alignment
 * to the original text: {@code PreTrainedTokenizer.tokenize}'s char-by-char lower-casing of
 * everything but special tokens, then {@code AlbertTokenizer.preprocess_text} on each piece of
 * text between special tokens (strip and collapse whitespace, {@code ``}/{@code ''} to
 * {@code "}, NFKD with combining marks dropped, lower-casing). Unpaired surrogates, which Python
 * could not encode, become U+FFFD. Immutable and thread-safe.
 */
final class Preprocessor {
    private static final char REPLACEMENT = '\uFFFD';
    /** Marks the two-char lower case of U+0130 ("i" + U+0307) among single code points. */
    private static final int DOTTED_I_LOWER = -1;
    private static final BitSet COMBINING = combiningMarks();
    private static final ConcurrentHashMap<Integer, String> DECOMPOSITIONS = new ConcurrentHashMap<>();

    private final boolean lowerCase;
    private final boolean removeSpace;
    private final boolean keepAccents;

    Preprocessor(boolean lowerCase, boolean removeSpace, boolean keepAccents) {
        this.lowerCase = lowerCase;
        this.removeSpace = removeSpace;
        this.keepAccents = keepAccents;
    }

    /**
     * Lower-cases {@code text} code point by code point except where {@code specials} match (as
     * the regex in {@code PreTrainedTokenizer.tokenize} does), replacing unpaired surrogates.
     * Ranges are indices into {@code text}.
     */
    AlignedText lowerOutsideSpecials(String text, SpecialTokens specials) {
        AlignedText out = new AlignedText(text.length() + 8);
        int i = 0;
        while (i < text.length()) {
            int special = specials.matchAt(text, i);
            if (special >= 0) {
                int end = i + specials.content(special).length();
                for (int k = i; k < end; k++) {
                    out.append(text.charAt(k), k, k + 1);
                }
                i = end;
                continue;
            }
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (Character.isBmpCodePoint(cp) && Character.isSurrogate((char) cp)) {
                out.append(REPLACEMENT, i, next);
            } else {
                appendCodePoint(lowerCase ? lower(cp) : cp, i, next, out);
            }
            i = next;
        }
        return out;
    }

    /**
     * {@code preprocess_text} on {@code source[from, to)}; ranges of the result are those of the
     * source chars (original-text indices).
     */
    AlignedText preprocess(AlignedText source, int from, int to) {
        int start = from;
        int end = to;
        if (removeSpace) {
            while (start < end && isPythonSpace(source.charAt(start))) {
                start++;
            }
            while (end > start && isPythonSpace(source.charAt(end - 1))) {
                end--;
            }
        }
        AlignedText out = new AlignedText(end - start + 8);
        int i = start;
        while (i < end) {
            char c = source.charAt(i);
            if (removeSpace && isPythonSpace(c)) {
                out.append(' ', source.start(i), source.end(i));
                while (i < end && isPythonSpace(source.charAt(i))) {
                    i++;
                }
            } else if ((c == '`' || c == '\'') && i + 1 < end && source.charAt(i + 1) == c) {
                out.append('"', source.start(i), source.end(i + 1));
                i += 2;
            } else {
                i = appendNormalized(source, i, end, out);
            }
        }
        return out;
    }

    /** Appends the (accent-stripped, lower-cased) code point at {@code i}; returns the next index. */
    private int appendNormalized(AlignedText source, int i, int end, AlignedText out) {
        char c = source.charAt(i);
        int next = i + 1;
        int cp = c;
        if (Character.isHighSurrogate(c) && next < end && Character.isLowSurrogate(source.charAt(next))) {
            cp = Character.toCodePoint(c, source.charAt(next));
            next++;
        }
        int rangeStart = source.start(i);
        int rangeEnd = source.end(next - 1);
        if (keepAccents || cp < 0x80) {
            appendCodePoint(cp, rangeStart, rangeEnd, out);
            return next;
        }
        String decomposed = DECOMPOSITIONS.computeIfAbsent(cp, Preprocessor::decomposeWithoutMarks);
        for (int k = 0; k < decomposed.length(); ) {
            int part = decomposed.codePointAt(k);
            appendCodePoint(lowerCase ? lower(part) : part, rangeStart, rangeEnd, out);
            k += Character.charCount(part);
        }
        return next;
    }

    /** Appends a code point, or the lower case of U+0130 for {@link #DOTTED_I_LOWER}, to {@code out}. */
    private static void appendCodePoint(int cp, int start, int end, AlignedText out) {
        if (cp == DOTTED_I_LOWER) {
            out.append('i', start, end);
            out.append('\u0307', start, end);
        } else if (Character.isBmpCodePoint(cp)) {
            out.append((char) cp, start, end);
        } else {
            out.append(Character.highSurrogate(cp), start, end);
            out.append(Character.lowSurrogate(cp), start, end);
        }
    }

    /**
     * Python's {@code str.lower()} of one code point: the simple lower-case mapping, except
     * U+0130 whose full mapping is "i" + U+0307 (returned as a marker).
     */
    private static int lower(int cp) {
        return cp == 0x130 ? DOTTED_I_LOWER : Character.toLowerCase(cp);
    }

    /**
     * NFKD of one code point with canonical-combining-class marks removed. Decomposing code
     * points one at a time equals decomposing the whole string here: canonical reordering only
     * permutes marks, and every mark is dropped.
     */
    private static String decomposeWithoutMarks(int cp) {
        String decomposed = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKD);
        StringBuilder kept = new StringBuilder(decomposed.length());
        decomposed.codePoints().filter(part -> !COMBINING.get(part)).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    /**
     * Code points with a non-zero canonical combining class ({@code unicodedata.combining}).
     * Java has no public accessor, so each mark (only category M has such a class) is probed
     * through NFD's canonical reordering: U+0334 has class 1 and U+0301 class 230, so a mark
     * moves before the first when its class exceeds 1, and after the second when it lies in
     * 1..229.
     */
    private static BitSet combiningMarks() {
        BitSet marks = new BitSet(Character.MAX_CODE_POINT + 1);
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            int type = Character.getType(cp);
            if (type != Character.NON_SPACING_MARK && type != Character.COMBINING_SPACING_MARK
                    && type != Character.ENCLOSING_MARK) {
                continue;
            }
            String mark = new String(Character.toChars(cp));
            boolean above1 = Normalizer.normalize(mark + "\u0334", Normalizer.Form.NFD).equals("\u0334" + mark);
            boolean below230 = Normalizer.normalize("\u0301" + mark, Normalizer.Form.NFD).equals(mark + "\u0301");
            if (above1 || below230) {
                marks.set(cp);
            }
        }
        return marks;
    }

    /** Python's {@code str.isspace()} for a char (every such char is in the BMP). */
    static boolean isPythonSpace(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= '\u001f');
        }
        if (c < '\u0085') {
            return false;
        }
        return c == '\u0085' || c == '\u00a0' || c == '\u1680' || (c >= '\u2000' && c <= '\u200a')
                || c == '\u2028' || c == '\u2029' || c == '\u202f' || c == '\u205f' || c == '\u3000';
    }
}
