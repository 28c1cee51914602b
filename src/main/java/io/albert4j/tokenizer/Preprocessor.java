package io.albert4j.tokenizer;

/**
 * The text transformations Hugging Face applies before SentencePiece, each keeping the alignment
 * to the original text: {@code PreTrainedTokenizer.tokenize}'s char-by-char lower-casing of
 * everything but special tokens, then {@code AlbertTokenizer.preprocess_text} on each piece of
 * text between special tokens (strip and collapse whitespace, {@code ``}/{@code ''} to
 * {@code "}, NFKD with combining marks dropped, lower-casing). Unpaired surrogates, which Python
 * could not encode, become U+FFFD. Case mappings and decompositions are Python's
 * ({@link PythonUnicode}), not the JDK's. Immutable and thread-safe.
 */
final class Preprocessor {
    private static final char REPLACEMENT = '\uFFFD';
    private static final PythonUnicode UNICODE = PythonUnicode.get();

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
                appendLowered(cp, i, next, out);
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
            appendString(new String(Character.toChars(cp)), rangeStart, rangeEnd, out);
            return next;
        }
        String decomposed = UNICODE.nfkdWithoutMarks(cp);
        for (int k = 0; k < decomposed.length(); ) {
            int part = decomposed.codePointAt(k);
            appendLowered(part, rangeStart, rangeEnd, out);
            k += Character.charCount(part);
        }
        return next;
    }

    /** Appends {@code cp}, lower-cased as Python's {@code str.lower()} when this tokenizer lower-cases. */
    private void appendLowered(int cp, int start, int end, AlignedText out) {
        appendString(lowerCase ? UNICODE.lower(cp) : new String(Character.toChars(cp)), start, end, out);
    }

    /** Appends every char of {@code text}, each aligned to {@code [start, end)} of the original. */
    private static void appendString(String text, int start, int end, AlignedText out) {
        for (int k = 0; k < text.length(); k++) {
            out.append(text.charAt(k), start, end);
        }
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
