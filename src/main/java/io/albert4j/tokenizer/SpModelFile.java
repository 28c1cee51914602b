package io.albert4j.tokenizer;

import io.albert4j.AlbertException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a SentencePiece {@code .model} file (a serialized {@code ModelProto}) that the
 * tokenizer needs beyond what DJL exposes: the vocabulary with piece types, the normalizer
 * settings with the precompiled character map, and the unknown-piece surface used in decoding.
 * Only the fields read here are interpreted; every other field is skipped by wire type.
 * Immutable once read.
 */
final class SpModelFile {
    static final int TYPE_NORMAL = 1;
    static final int TYPE_UNKNOWN = 2;
    static final int TYPE_CONTROL = 3;
    static final int TYPE_USER_DEFINED = 4;

    final byte[] bytes;
    final String[] pieces;
    /** Each piece's score (a float32 in the file, widened as transformers' converter does). */
    final double[] scores;
    final byte[] types;
    final byte[] precompiledCharsMap;
    final boolean addDummyPrefix;
    final boolean removeExtraWhitespaces;
    final boolean escapeWhitespaces;
    final String unkSurface;

    private SpModelFile(byte[] bytes, List<String> pieces, List<Float> scores, List<Integer> types,
                        Normalizer normalizer, String unkSurface) {
        this.bytes = bytes;
        this.pieces = pieces.toArray(new String[0]);
        this.scores = new double[scores.size()];
        for (int i = 0; i < this.scores.length; i++) {
            this.scores[i] = scores.get(i);
        }
        this.types = new byte[types.size()];
        for (int i = 0; i < this.types.length; i++) {
            this.types[i] = types.get(i).byteValue();
        }
        this.precompiledCharsMap = normalizer.charsMap;
        this.addDummyPrefix = normalizer.addDummyPrefix;
        this.removeExtraWhitespaces = normalizer.removeExtraWhitespaces;
        this.escapeWhitespaces = normalizer.escapeWhitespaces;
        this.unkSurface = unkSurface;
    }

    /** Reads and validates {@code file}; every failure is an {@link AlbertException} naming it. */
    static SpModelFile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new AlbertException("SentencePiece model not found: " + file);
        } catch (IOException e) {
            throw new AlbertException("cannot read SentencePiece model " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(bytes);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw new AlbertException("corrupt SentencePiece model " + file + ": " + e.getMessage(), e);
        }
    }

    private static SpModelFile parse(byte[] bytes) {
        List<String> pieces = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        Normalizer normalizer = new Normalizer();
        String unkSurface = " \u2047 ";
        Reader model = new Reader(bytes, 0, bytes.length);
        while (model.hasMore()) {
            int tag = model.tag();
            if (tag == tag(1, 2)) {
                Reader piece = model.message();
                readPiece(piece, pieces, scores, types);
            } else if (tag == tag(2, 2)) {
                unkSurface = readUnkSurface(model.message(), unkSurface);
            } else if (tag == tag(3, 2)) {
                normalizer.read(model.message());
            } else {
                model.skip(tag);
            }
        }
        check(!pieces.isEmpty(), "no vocabulary pieces (field 1)");
        return new SpModelFile(bytes, pieces, scores, types, normalizer, unkSurface);
    }

    private static void readPiece(Reader piece, List<String> pieces, List<Float> scores, List<Integer> types) {
        String text = null;
        float score = 0;
        int type = TYPE_NORMAL;
        while (piece.hasMore()) {
            int tag = piece.tag();
            if (tag == tag(1, 2)) {
                text = piece.string();
            } else if (tag == tag(2, 5)) {
                score = Float.intBitsToFloat(piece.fixed32());
            } else if (tag == tag(3, 0)) {
                type = (int) piece.varint();
            } else {
                piece.skip(tag);
            }
        }
        check(text != null, "vocabulary piece " + pieces.size() + " has no text");
        check(type >= 1 && type <= 6, "vocabulary piece " + pieces.size() + " has unknown type " + type);
        check(!Float.isNaN(score), "vocabulary piece " + pieces.size() + " has score NaN");
        pieces.add(text);
        scores.add(score);
        types.add(type);
    }

    private static String readUnkSurface(Reader trainer, String fallback) {
        String surface = fallback;
        while (trainer.hasMore()) {
            int tag = trainer.tag();
            if (tag == tag(44, 2)) {
                surface = trainer.string();
            } else {
                trainer.skip(tag);
            }
        }
        return surface;
    }

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    /** NormalizerSpec (ModelProto field 3) with protobuf defaults. */
    private static final class Normalizer {
        byte[] charsMap = new byte[0];
        boolean addDummyPrefix = true;
        boolean removeExtraWhitespaces = true;
        boolean escapeWhitespaces = true;

        void read(Reader spec) {
            while (spec.hasMore()) {
                int tag = spec.tag();
                if (tag == tag(2, 2)) {
                    charsMap = spec.bytes();
                } else if (tag == tag(3, 0)) {
                    addDummyPrefix = spec.varint() != 0;
                } else if (tag == tag(4, 0)) {
                    removeExtraWhitespaces = spec.varint() != 0;
                } else if (tag == tag(5, 0)) {
                    escapeWhitespaces = spec.varint() != 0;
                } else {
                    spec.skip(tag);
                }
            }
        }
    }

    /** A bounds-checked cursor over one protobuf message. */
    private static final class Reader {
        private final byte[] data;
        private int pos;
        private final int end;

        Reader(byte[] data, int from, int to) {
            this.data = data;
            this.pos = from;
            this.end = to;
        }

        boolean hasMore() {
            return pos < end;
        }

        int tag() {
            long tag = varint();
            check(tag > 0 && tag <= Integer.MAX_VALUE, "invalid field tag " + tag + " at byte " + pos);
            return (int) tag;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                check(pos < end, "truncated varint at byte " + pos);
                byte b = data[pos++];
                result |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw new IllegalStateException("varint longer than 10 bytes at byte " + pos);
        }

        int fixed32() {
            check(end - pos >= 4, "truncated fixed32 at byte " + pos);
            int value = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16
                    | (data[pos + 3] & 0xff) << 24;
            pos += 4;
            return value;
        }

        Reader message() {
            int length = length();
            Reader sub = new Reader(data, pos, pos + length);
            pos += length;
            return sub;
        }

        byte[] bytes() {
            int length = length();
            byte[] out = new byte[length];
            System.arraycopy(data, pos, out, 0, length);
            pos += length;
            return out;
        }

        String string() {
            int length = length();
            String s = new String(data, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> advance(length());
                case 5 -> advance(4);
                default -> throw new IllegalStateException("unsupported wire type " + (tag & 7) + " at byte " + pos);
            }
        }

        private int length() {
            long length = varint();
            check(length >= 0 && length <= end - pos, "length " + length + " runs past the end at byte " + pos);
            return (int) length;
        }

        private void advance(int n) {
            check(n <= end - pos, "field runs past the end at byte " + pos);
            pos += n;
        }
    }
}
