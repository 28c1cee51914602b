package io.albert4j.tokenizer;

import io.albert4j.AlbertException;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The Unicode data of Hugging Face's {@code tokenizers} library, independent of the JDK: per code point
 * its NFD and NFKD decompositions, canonical combining class, lower case (Rust's
 * {@code char::to_lowercase}), whether {@code StripAccents} removes it, whether {@code WhitespaceSplit}
 * splits at it and whether it is a word character for single-word added tokens
 * ({@code is_alphanumeric() || '_'}). The JDK 17's tables are Unicode 13; the library's are those its
 * Rust crates were built with, older for normalization and newer for the rest, so neither the JDK nor
 * any one Unicode version gives the library's answers (issue 18).
 *
 * <p>The table is {@code fast-unicode.bin}, written by {@code scripts/unicode/fast_unicode_table.py}
 * by asking the library's own normalizers and pre-tokenizers about every code point: the flags as
 * code point ranges, and the decompositions, lower cases and classes of the code points that have
 * any. Lookups go through two-level tables of 256-code-point blocks, identical blocks shared.
 * Immutable and thread-safe; loaded once, on first use.
 */
final class FastUnicode {
    static final String RESOURCE = "fast-unicode.bin";
    static final int MARK = 1;
    static final int WHITESPACE = 2;
    static final int WORD = 4;
    private static final int MAX_CODE_POINT = 0x10FFFF;
    private static final int BLOCK_BITS = 8;
    private static final int BLOCK = 1 << BLOCK_BITS;
    private static final int BLOCKS = (MAX_CODE_POINT + 1) >> BLOCK_BITS;

    private final String source;
    private final int[] flagBlocks;  // [BLOCKS]: start of each block's slice of flags
    private final byte[] flags;      // [distinct flag blocks * BLOCK]: MARK | WHITESPACE | WORD
    private final int[] entryBlocks; // [BLOCKS]: start of each block's slice of entryOf
    private final int[] entryOf;     // [distinct entry blocks * BLOCK]: entry index + 1, 0 for none
    private final byte[] classes;    // [entries]: canonical combining class (unsigned)
    private final int[][] lower;     // [entries]: null where the code point is its own lower case
    private final int[][] nfd;       // [entries]: null where the code point is its own decomposition
    private final int[][] nfkd;      // [entries]: as nfd
    private final int firstDecomposed;
    private final int firstMark;

    private FastUnicode(String source, byte[] flagsByCodePoint, int[] codePoints, byte[] classes, int[][] lower,
                        int[][] nfd, int[][] nfkd) {
        this.source = source;
        this.classes = classes;
        this.lower = lower;
        this.nfd = nfd;
        this.nfkd = nfkd;
        this.flagBlocks = new int[BLOCKS];
        this.flags = sharedBlocks(flagsByCodePoint, flagBlocks);
        int[] entries = new int[MAX_CODE_POINT + 1];
        int decomposed = Integer.MAX_VALUE;
        for (int i = 0; i < codePoints.length; i++) {
            entries[codePoints[i]] = i + 1;
            if (nfkd[i] != null || nfd[i] != null) {
                decomposed = Math.min(decomposed, codePoints[i]);
            }
        }
        this.entryBlocks = new int[BLOCKS];
        this.entryOf = sharedBlocks(entries, entryBlocks);
        int mark = 0;
        while (mark <= MAX_CODE_POINT && (flagsByCodePoint[mark] & MARK) == 0) {
            mark++;
        }
        this.firstDecomposed = decomposed;
        this.firstMark = mark;
    }

    /** The blocks of {@code values}, each distinct one once; {@code starts} gets each block's start. */
    private static byte[] sharedBlocks(byte[] values, int[] starts) {
        Map<ByteBuffer, Integer> seen = new HashMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = 0; b < BLOCKS; b++) {
            ByteBuffer block = ByteBuffer.wrap(values, b * BLOCK, BLOCK);
            Integer start = seen.putIfAbsent(block, out.size());
            if (start == null) {
                start = out.size();
                out.write(values, b * BLOCK, BLOCK);
            }
            starts[b] = start;
        }
        return out.toByteArray();
    }

    /** As {@link #sharedBlocks(byte[], int[])} for ints. */
    private static int[] sharedBlocks(int[] values, int[] starts) {
        Map<IntBuffer, Integer> seen = new HashMap<>();
        int[] out = new int[values.length];
        int size = 0;
        for (int b = 0; b < BLOCKS; b++) {
            IntBuffer block = IntBuffer.wrap(values, b * BLOCK, BLOCK);
            Integer start = seen.putIfAbsent(block, size);
            if (start == null) {
                start = size;
                System.arraycopy(values, b * BLOCK, out, size, BLOCK);
                size += BLOCK;
            }
            starts[b] = start;
        }
        return Arrays.copyOf(out, size);
    }

    private static final class Holder {
        static final FastUnicode INSTANCE = load();
    }

    static FastUnicode get() {
        return Holder.INSTANCE;
    }

    /** Where the table comes from, e.g. "tokenizers 0.23.2". */
    String source() {
        return source;
    }

    /** The entry index of {@code cp}, or -1 for a plain code point. */
    private int entry(int cp) {
        return entryOf[entryBlocks[cp >>> BLOCK_BITS] + (cp & (BLOCK - 1))] - 1;
    }

    /** The NFKD ({@code compatibility}) or NFD decomposition of {@code cp}, or null where it is {@code cp} itself. */
    int[] decomposition(int cp, boolean compatibility) {
        if (cp < firstDecomposed) {
            return null;
        }
        int e = entry(cp);
        return e < 0 ? null : compatibility ? nfkd[e] : nfd[e];
    }

    /** The canonical combining class of a code point that is its own decomposition (0: a starter). */
    int combiningClass(int cp) {
        int e = entry(cp);
        return e < 0 ? 0 : classes[e] & 0xff;
    }

    /** The lower case, or null where {@code cp} is its own lower case. */
    int[] lower(int cp) {
        int e = entry(cp);
        return e < 0 ? null : lower[e];
    }

    /** Whether {@code StripAccents} removes {@code cp} (a combining mark in the library's data). */
    boolean isMark(int cp) {
        return cp >= firstMark && has(cp, MARK);
    }

    /** Whether {@code WhitespaceSplit} splits at {@code cp} (Rust's {@code char::is_whitespace}). */
    boolean isWhitespace(int cp) {
        return has(cp, WHITESPACE);
    }

    /** Whether {@code cp} continues a word next to a single-word added token ({@code is_alphanumeric() || '_'}). */
    boolean isWordChar(int cp) {
        return has(cp, WORD);
    }

    /** The smallest code point with a decomposition other than itself: below it, decomposing changes nothing. */
    int firstDecomposed() {
        return firstDecomposed;
    }

    /** The smallest code point that {@code StripAccents} removes. */
    int firstMark() {
        return firstMark;
    }

    private boolean has(int cp, int flag) {
        return (flags[flagBlocks[cp >>> BLOCK_BITS] + (cp & (BLOCK - 1))] & flag) != 0;
    }

    private static FastUnicode load() {
        try (InputStream raw = FastUnicode.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new AlbertException("the fast tokenizer's Unicode table " + RESOURCE + " is missing from the classpath");
            }
            DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, new byte[] {'F', 'T', 'U', 'C'})) {
                throw new AlbertException(RESOURCE + " is not a Unicode table (bad magic)");
            }
            String source = in.readUTF();
            byte[] flags = readFlagRanges(in);
            int count = count(in, "entry");
            int[] cps = new int[count];
            byte[] classes = new byte[count];
            int[][] lower = new int[count][];
            int[][] nfd = new int[count][];
            int[][] nfkd = new int[count][];
            for (int i = 0; i < count; i++) {
                cps[i] = in.readInt();
                if (cps[i] < 0 || cps[i] > MAX_CODE_POINT || i > 0 && cps[i] <= cps[i - 1]) {
                    throw new AlbertException(RESOURCE + ": code point " + cps[i] + " out of range or order at entry " + i);
                }
                classes[i] = in.readByte();
                lower[i] = codePointsOrNull(in.readUTF());
                nfd[i] = codePointsOrNull(in.readUTF());
                nfkd[i] = codePointsOrNull(in.readUTF());
            }
            if (in.read() != -1) {
                throw new AlbertException(RESOURCE + ": data after the last of " + count + " entries");
            }
            return new FastUnicode(source, flags, cps, classes, lower, nfd, nfkd);
        } catch (IOException e) {
            throw new AlbertException("cannot read the fast tokenizer's Unicode table " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** The flag ranges as one flags byte per code point. */
    private static byte[] readFlagRanges(DataInputStream in) throws IOException {
        byte[] flags = new byte[MAX_CODE_POINT + 1];
        int count = count(in, "flag range");
        for (int i = 0; i < count; i++) {
            int flag = in.readUnsignedByte();
            int first = in.readInt();
            int last = in.readInt();
            if (flag != MARK && flag != WHITESPACE && flag != WORD || first < 0 || last < first || last > MAX_CODE_POINT) {
                throw new AlbertException(RESOURCE + ": flag range " + i + " (" + flag + ", " + first + ".." + last
                        + ") is not a flag over code points");
            }
            for (int cp = first; cp <= last; cp++) {
                flags[cp] |= (byte) flag;
            }
        }
        return flags;
    }

    private static int count(DataInputStream in, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_CODE_POINT + 1) {
            throw new AlbertException(RESOURCE + ": " + what + " count " + count + " out of range");
        }
        return count;
    }

    /** The code points of a table string; empty means the code point itself (null). */
    private static int[] codePointsOrNull(String value) {
        return value.isEmpty() ? null : value.codePoints().toArray();
    }
}
