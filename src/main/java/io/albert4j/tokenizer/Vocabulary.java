package io.albert4j.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * The SentencePiece vocabulary read from the model file: piece by id, id by piece (SentencePiece's
 * {@code PieceToId}, unknown pieces giving the unknown id) and piece types. Kept in Java so that
 * id look-ups need no native call and an out-of-range id can be refused instead of aborting the
 * JVM inside DJL. Immutable and thread-safe.
 */
final class Vocabulary {
    private final String[] pieces;
    private final byte[] types;
    private final Map<String, Integer> ids;
    private final int unkId;

    Vocabulary(SpModelFile model) {
        pieces = model.pieces.clone();
        types = model.types.clone();
        ids = new HashMap<>(pieces.length * 2);
        int unknown = -1;
        for (int id = 0; id < pieces.length; id++) {
            ids.putIfAbsent(pieces[id], id);
            if (unknown < 0 && types[id] == SpModelFile.TYPE_UNKNOWN) {
                unknown = id;
            }
        }
        if (unknown < 0) {
            throw new IllegalStateException("the vocabulary has no piece of type UNKNOWN");
        }
        unkId = unknown;
    }

    int size() {
        return pieces.length;
    }

    int id(String piece) {
        Integer id = ids.get(piece);
        return id == null ? unkId : id;
    }

    boolean contains(String piece) {
        return ids.containsKey(piece);
    }

    boolean inRange(int id) {
        return id >= 0 && id < pieces.length;
    }

    /** The piece of an id in range. */
    String piece(int id) {
        return pieces[id];
    }

    int type(int id) {
        return types[id];
    }
}
