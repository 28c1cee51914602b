package io.albert4j.tokenizer;

import java.util.Arrays;

/**
 * A normalized string as the {@code tokenizers} library's {@code NormalizedString} keeps it: code
 * points, each aligned to the range {@code [start, end)} of the original text (UTF-16 char
 * indices) it was produced from. {@link #transform} reproduces {@code transform_range}'s
 * alignment rule exactly, which is what makes offsets equal to {@code offset_mapping}. Not
 * thread-safe; each tokenization call builds its own.
 */
final class NormalizedText {
    int[] codePoints;
    int[] starts;
    int[] ends;
    int length;
    /** Where a character inserted before everything is aligned ({@code tokenizers}' (0, 0)). */
    final int origin;

    NormalizedText(int capacity, int origin) {
        int size = Math.max(capacity, 4);
        codePoints = new int[size];
        starts = new int[size];
        ends = new int[size];
        this.origin = origin;
    }

    /** The code points of {@code text[from, to)}, each aligned to itself. */
    static NormalizedText of(String text, int from, int to) {
        NormalizedText out = new NormalizedText(to - from, from);
        int i = from;
        while (i < to) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            out.append(cp, i, next);
            i = next;
        }
        return out;
    }

    void append(int cp, int start, int end) {
        if (length == codePoints.length) {
            int size = length * 2;
            codePoints = Arrays.copyOf(codePoints, size);
            starts = Arrays.copyOf(starts, size);
            ends = Arrays.copyOf(ends, size);
        }
        codePoints[length] = cp;
        starts[length] = start;
        ends[length] = end;
        length++;
    }

    /** Appends code point {@code i} of {@code other} with its alignment. */
    void appendFrom(NormalizedText other, int i) {
        append(other.codePoints[i], other.starts[i], other.ends[i]);
    }

    /** Code points {@code [from, to)} as a new text with the same alignments. */
    NormalizedText slice(int from, int to) {
        NormalizedText out = new NormalizedText(to - from, origin);
        for (int i = from; i < to; i++) {
            out.appendFrom(this, i);
        }
        return out;
    }

    /**
     * The whole text rewritten as {@code transform(changes, initial_offset)} does: each new code
     * point with a positive change is inserted (aligned like the code point before the cursor),
     * any other replaces the code point under the cursor (taking its alignment), and a negative
     * change also removes that many following code points.
     */
    NormalizedText transform(int[] newCodePoints, int[] changes, int count, int initialOffset) {
        NormalizedText out = new NormalizedText(count, origin);
        int cursor = initialOffset;
        for (int k = 0; k < count; k++) {
            int change = changes[k];
            if (change > 0) {
                if (cursor < 1) {
                    out.append(newCodePoints[k], origin, origin);
                } else {
                    out.append(newCodePoints[k], starts[cursor - 1], ends[cursor - 1]);
                }
            } else {
                if (cursor >= length) {
                    throw new IllegalStateException("normalizer transformation runs past the text");
                }
                out.append(newCodePoints[k], starts[cursor], ends[cursor]);
                cursor += 1 - change;
            }
        }
        return out;
    }

    /** The original range of code points {@code [from, to)}: smallest start, largest end. */
    int originalStart(int from, int to) {
        int min = Integer.MAX_VALUE;
        for (int i = from; i < to; i++) {
            min = Math.min(min, starts[i]);
        }
        return min;
    }

    int originalEnd(int from, int to) {
        int max = Integer.MIN_VALUE;
        for (int i = from; i < to; i++) {
            max = Math.max(max, ends[i]);
        }
        return max;
    }

    @Override
    public String toString() {
        return new String(codePoints, 0, length);
    }
}
