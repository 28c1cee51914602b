package io.albert4j.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.IntStream;

/**
 * A Java re-implementation of SentencePiece's {@code Normalizer::Normalize} (precompiled
 * character map in a darts-clone double-array trie, user-defined symbols kept verbatim, whitespace
 * trimming and collapsing, {@code ▁} escaping, dummy prefix) that also records, for every
 * normalized char, the range of input chars it came from. DJL's binding returns pieces without
 * offsets; concatenated, those pieces spell exactly this normalized string, which is how pieces
 * are mapped back to the text. Immutable and thread-safe.
 */
final class SpNormalizer {
    static final char SPACE_SYMBOL = '\u2581';

    private final int[] units;
    /** Decoded replacement strings by their offset in the blob (null between string starts). */
    private final String[] replacements;
    private final byte[] replacementBlob;
    private final String[] userDefined;
    private final BitSet userDefinedFirstChars = new BitSet();
    private final boolean addDummyPrefix;
    private final boolean removeExtraWhitespaces;
    private final boolean escapeWhitespaces;

    SpNormalizer(SpModelFile model) {
        byte[] map = model.precompiledCharsMap;
        if (map.length == 0) {
            units = new int[0];
            replacementBlob = new byte[0];
        } else {
            int trieSize = ByteBuffer.wrap(map, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (trieSize < 0 || trieSize % 4 != 0 || trieSize > map.length - 4) {
                throw new IllegalStateException("precompiled_charsmap trie size " + trieSize + " does not fit");
            }
            units = new int[trieSize / 4];
            ByteBuffer.wrap(map, 4, trieSize).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(units);
            replacementBlob = Arrays.copyOfRange(map, 4 + trieSize, map.length);
        }
        replacements = decodeReplacements(replacementBlob);
        userDefined = userDefinedSymbols(model);
        for (String symbol : userDefined) {
            userDefinedFirstChars.set(symbol.charAt(0));
        }
        addDummyPrefix = model.addDummyPrefix;
        removeExtraWhitespaces = model.removeExtraWhitespaces;
        escapeWhitespaces = model.escapeWhitespaces;
    }

    /**
     * Normalizes {@code text}; the result's ranges are char indices into {@code text}.
     * {@code text} must not contain unpaired surrogates.
     */
    AlignedText normalize(CharSequence text) {
        int length = text.length();
        AlignedText out = new AlignedText(length + 8);
        int i = 0;
        if (removeExtraWhitespaces) {
            while (i < length) {
                long rule = rule(text, i);
                if (!isSingleSpace(text, i, rule)) {
                    break;
                }
                i += consumed(rule);
            }
        }
        if (i == length) {
            return out;
        }
        if (addDummyPrefix) {
            out.append(whitespace(), i, i);
        }
        boolean previousSpace = removeExtraWhitespaces;
        while (i < length) {
            long rule = rule(text, i);
            previousSpace = append(text, i, rule, previousSpace, out);
            i += consumed(rule);
            if (!removeExtraWhitespaces) {
                previousSpace = false;
            }
        }
        if (removeExtraWhitespaces) {
            while (out.length() > 0 && out.charAt(out.length() - 1) == whitespace()) {
                out.removeLast();
            }
        }
        return out;
    }

    /** Appends the normalized form of the rule at {@code at}; returns the new previous-space flag. */
    private boolean append(CharSequence text, int at, long rule, boolean previousSpace, AlignedText out) {
        int consumed = consumed(rule);
        CharSequence replacement = replacement(rule);
        CharSequence source = replacement == null ? text : replacement;
        int from = replacement == null ? at : 0;
        int to = replacement == null ? at + consumed : replacement.length();
        if (previousSpace) {
            while (from < to && source.charAt(from) == ' ') {
                from++;
            }
        }
        if (from == to) {
            return previousSpace;
        }
        for (int k = from; k < to; k++) {
            char c = source.charAt(k);
            out.append(c == ' ' && escapeWhitespaces ? SPACE_SYMBOL : c, at, at + consumed);
        }
        return source.charAt(to - 1) == ' ';
    }

    private char whitespace() {
        return escapeWhitespaces ? SPACE_SYMBOL : ' ';
    }

    private boolean isSingleSpace(CharSequence text, int at, long rule) {
        CharSequence normalized = replacement(rule);
        if (normalized == null) {
            return consumed(rule) == 1 && text.charAt(at) == ' ';
        }
        return normalized.length() == 1 && normalized.charAt(0) == ' ';
    }

    /**
     * The normalization rule that applies at {@code at}, as SentencePiece's NormalizePrefix picks
     * it: a user-defined symbol (kept verbatim), else the longest entry of the character map, else
     * one code point kept verbatim.
     *
     * @return (chars consumed) << 32 | (replacement offset, or -1 to keep the input)
     */
    private long rule(CharSequence text, int at) {
        int user = userDefinedLength(text, at);
        if (user > 0) {
            return (long) user << 32 | 0xffffffffL;
        }
        long match = longestMapMatch(text, at);
        if (match >= 0) {
            return match;
        }
        return (long) Character.charCount(Character.codePointAt(text, at)) << 32 | 0xffffffffL;
    }

    private static int consumed(long rule) {
        return (int) (rule >>> 32);
    }

    private CharSequence replacement(long rule) {
        int offset = (int) rule;
        if (offset == -1) {
            return null;
        }
        String known = offset >= 0 && offset < replacements.length ? replacements[offset] : null;
        return known != null ? known : decodeAt(replacementBlob, offset);
    }

    private int userDefinedLength(CharSequence text, int at) {
        if (!userDefinedFirstChars.get(text.charAt(at))) {
            return 0;
        }
        int best = 0;
        for (String symbol : userDefined) {
            if (symbol.length() > best && startsWith(text, at, symbol)) {
                best = symbol.length();
            }
        }
        return best;
    }

    private static boolean startsWith(CharSequence text, int at, String prefix) {
        if (prefix.length() > text.length() - at) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (text.charAt(at + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Darts-clone common-prefix search over the UTF-8 bytes of {@code text} from {@code at},
     * keeping the longest key (keys end on code point boundaries).
     *
     * @return (chars consumed) << 32 | (offset of the replacement), or -1 without a match
     */
    private long longestMapMatch(CharSequence text, int at) {
        if (units.length == 0) {
            return -1;
        }
        long best = -1;
        int node = offset(units[0]);
        int i = at;
        while (i < text.length()) {
            int cp = Character.codePointAt(text, i);
            int n = utf8Length(cp);
            for (int b = 0; b < n; b++) {
                int label = utf8Byte(cp, n, b);
                node ^= label;
                if (node >= units.length) {
                    return best;
                }
                int unit = units[node];
                if ((unit & 0x800000ff) != label) {
                    return best;
                }
                node ^= offset(unit);
                if (node >= units.length) {
                    return best;
                }
                if (b == n - 1 && ((unit >>> 8) & 1) == 1) {
                    long consumed = i + Character.charCount(cp) - at;
                    best = consumed << 32 | (units[node] & 0x7fffffff);
                }
            }
            i += Character.charCount(cp);
        }
        return best;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** Byte {@code b} of the {@code n}-byte UTF-8 encoding of {@code cp}. */
    private static int utf8Byte(int cp, int n, int b) {
        if (n == 1) {
            return cp;
        }
        if (b == 0) {
            int lead = n == 2 ? 0xc0 : n == 3 ? 0xe0 : 0xf0;
            return lead | cp >> (6 * (n - 1));
        }
        return 0x80 | (cp >> (6 * (n - 1 - b))) & 0x3f;
    }

    /** The replacement strings are NUL-terminated and concatenated; values point at their starts. */
    private static String[] decodeReplacements(byte[] blob) {
        String[] byOffset = new String[blob.length];
        int start = 0;
        for (int i = 0; i < blob.length; i++) {
            if (blob[i] == 0) {
                byOffset[start] = new String(blob, start, i - start, StandardCharsets.UTF_8);
                start = i + 1;
            }
        }
        return byOffset;
    }

    private static String decodeAt(byte[] blob, int offset) {
        if (offset < 0 || offset >= blob.length) {
            return "";
        }
        int end = offset;
        while (end < blob.length && blob[end] != 0) {
            end++;
        }
        return new String(blob, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String[] userDefinedSymbols(SpModelFile model) {
        return IntStream.range(0, model.pieces.length)
                .filter(id -> model.types[id] == SpModelFile.TYPE_USER_DEFINED)
                .mapToObj(id -> model.pieces[id])
                .toArray(String[]::new);
    }
}
