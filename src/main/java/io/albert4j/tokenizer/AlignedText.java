package io.albert4j.tokenizer;

import java.util.Arrays;

/**
 * A growable string in which every char remembers the range {@code [start, end)} of the source
 * string it was produced from: the alignment that survives each normalization step. A char that
 * is produced from nothing (SentencePiece's dummy prefix) has an empty range. Not thread-safe;
 * each tokenization call builds its own.
 */
final class AlignedText implements CharSequence {
    private char[] chars;
    private int[] starts;
    private int[] ends;
    private int length;

    AlignedText(int capacity) {
        int size = Math.max(capacity, 8);
        chars = new char[size];
        starts = new int[size];
        ends = new int[size];
    }

    void append(char c, int start, int end) {
        if (length == chars.length) {
            int size = length * 2;
            chars = Arrays.copyOf(chars, size);
            starts = Arrays.copyOf(starts, size);
            ends = Arrays.copyOf(ends, size);
        }
        chars[length] = c;
        starts[length] = start;
        ends[length] = end;
        length++;
    }

    /** Drops the last char. */
    void removeLast() {
        length--;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return chars[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(chars, start, end - start);
    }

    int start(int index) {
        return starts[index];
    }

    int end(int index) {
        return ends[index];
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }
}
