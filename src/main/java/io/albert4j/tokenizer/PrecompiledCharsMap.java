package io.albert4j.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SentencePiece's precompiled character map (a darts-clone double-array trie over UTF-8 keys and
 * a blob of NUL-terminated replacements) read as the {@code tokenizers} library's
 * {@code Precompiled} normalizer reads it: a chunk's replacement is the value of its SHORTEST key
 * prefix. Immutable and thread-safe.
 */
final class PrecompiledCharsMap {
    private final int[] units;
    private final byte[] replacements;
    /** Decoded replacements by their offset in the blob (null between string starts). */
    private final int[][] decoded;
    private final boolean[] unchangedAscii = new boolean[0x80];

    /**
     * @throws IllegalStateException when the blob's trie size does not fit
     */
    PrecompiledCharsMap(byte[] map) {
        if (map.length < 4) {
            throw new IllegalStateException("precompiled_charsmap has " + map.length + " bytes, expected at least 4");
        }
        int trieSize = ByteBuffer.wrap(map, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (trieSize < 4 || trieSize % 4 != 0 || trieSize > map.length - 4) {
            throw new IllegalStateException("precompiled_charsmap trie size " + trieSize + " does not fit in "
                    + map.length + " bytes");
        }
        units = new int[trieSize / 4];
        ByteBuffer.wrap(map, 4, trieSize).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(units);
        replacements = Arrays.copyOfRange(map, 4 + trieSize, map.length);
        decoded = new int[replacements.length][];
        int start = 0;
        for (int i = 0; i < replacements.length; i++) {
            if (replacements[i] == 0) {
                decoded[start] = decode(start);
                start = i + 1;
            }
        }
        int[] single = new int[1];
        for (int cp = 0; cp < 0x80; cp++) {
            single[0] = cp;
            unchangedAscii[cp] = transform(single, 0, 1) == null;
        }
    }

    /**
     * Whether a code point of the Basic Latin range is certain to stay as it is: no key starts
     * with it, and it never joins a grapheme cluster (CR aside, which joins LF).
     */
    boolean unchanged(int cp) {
        return cp < 0x80 && cp != '\r' && unchangedAscii[cp];
    }

    /**
     * The replacement of code points {@code [from, to)}, or null when no key is a prefix of them
     * (the chunk stays as it is).
     */
    int[] transform(int[] codePoints, int from, int to) {
        int node = offset(units[0]);
        byte[] utf8 = null;
        for (int i = from; i < to; i++) {
            int cp = codePoints[i];
            int n;
            if (cp < 0x80) {
                n = 1;
            } else {
                if (utf8 == null) {
                    utf8 = new byte[4];
                }
                n = utf8(cp, utf8);
            }
            for (int b = 0; b < n; b++) {
                int label = n == 1 ? cp : utf8[b] & 0xff;
                if (label == 0) {
                    return null;
                }
                node ^= label;
                if (node < 0 || node >= units.length) {
                    return null;
                }
                int unit = units[node];
                if ((unit & 0x800000ff) != label) {
                    return null;
                }
                node ^= offset(unit);
                if (((unit >>> 8) & 1) == 1) {
                    if (node < 0 || node >= units.length) {
                        return null;
                    }
                    return replacementAt(units[node] & 0x7fffffff);
                }
            }
        }
        return null;
    }

    private int[] replacementAt(int offset) {
        if (offset >= replacements.length) {
            return new int[0];
        }
        return decoded[offset] != null ? decoded[offset] : decode(offset);
    }

    private int[] decode(int offset) {
        int end = offset;
        while (end < replacements.length && replacements[end] != 0) {
            end++;
        }
        return new String(replacements, offset, end - offset, StandardCharsets.UTF_8).codePoints().toArray();
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    /** Writes the UTF-8 bytes of {@code cp} into {@code out}; returns how many. */
    static int utf8(int cp, byte[] out) {
        if (cp < 0x80) {
            out[0] = (byte) cp;
            return 1;
        }
        if (cp < 0x800) {
            out[0] = (byte) (0xc0 | cp >> 6);
            out[1] = (byte) (0x80 | cp & 0x3f);
            return 2;
        }
        if (cp < 0x10000) {
            out[0] = (byte) (0xe0 | cp >> 12);
            out[1] = (byte) (0x80 | cp >> 6 & 0x3f);
            out[2] = (byte) (0x80 | cp & 0x3f);
            return 3;
        }
        out[0] = (byte) (0xf0 | cp >> 18);
        out[1] = (byte) (0x80 | cp >> 12 & 0x3f);
        out[2] = (byte) (0x80 | cp >> 6 & 0x3f);
        out[3] = (byte) (0x80 | cp & 0x3f);
        return 4;
    }

    static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
}
