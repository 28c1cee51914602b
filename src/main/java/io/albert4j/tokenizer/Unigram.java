package io.albert4j.tokenizer;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code tokenizers} library's Unigram model ({@code encode_optimized}): Viterbi over a trie
 * of the vocabulary with the pieces' log-probability scores (as doubles, like the library), an
 * unknown node scored {@code min_score - 10} where no single-character piece exists, and
 * consecutive unknown pieces fused into one. Like the library it remembers the segmentation of
 * up to {@value #CACHE_CAPACITY} words (words repeat: the cache is most of the speed on prose).
 * Thread-safe: the trie and scores are immutable, the cache is concurrent.
 */
final class Unigram {
    private static final double UNK_PENALTY = 10.0;
    static final int CACHE_CAPACITY = 10_000;
    /** Words longer than this are not cached (the library's limit on its cache keys is similar). */
    private static final int CACHE_MAX_WORD = 64;

    private final double[] scores;
    private final int unkId;
    private final double unkScore;
    private final CharTrie trie;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param pieces the vocabulary, id by id
     * @param scores each piece's score
     * @param unkId the id of the unknown piece
     */
    Unigram(String[] pieces, double[] scores, int unkId) {
        this.scores = scores.clone();
        this.unkId = unkId;
        this.unkScore = Arrays.stream(scores).min().orElse(0) - UNK_PENALTY;
        this.trie = new CharTrie(pieces);
    }

    /**
     * Segments code points {@code [from, to)} of {@code codePoints}.
     *
     * @return (id, start, end) triples, start and end being code point offsets from {@code from};
     *     shared with other callers, so read-only
     */
    int[] encode(int[] codePoints, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return new int[0];
        }
        if (n > CACHE_MAX_WORD) {
            return viterbi(codePoints, from, to);
        }
        String word = new String(codePoints, from, n);
        int[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        int[] pieces = viterbi(codePoints, from, to);
        if (cache.size() < CACHE_CAPACITY) {
            cache.putIfAbsent(word, pieces);
        }
        return pieces;
    }

    private int[] viterbi(int[] codePoints, int from, int to) {
        int n = to - from;
        double[] best = new double[n + 1];
        int[] startsAt = new int[n + 1];
        int[] ids = new int[n + 1];
        Arrays.fill(startsAt, -1);
        for (int start = 0; start < n; start++) {
            double base = best[start];
            boolean singleCharPiece = false;
            int node = CharTrie.ROOT;
            for (int end = start; end < n && node >= 0; end++) {
                node = trie.step(node, codePoints[from + end]);
                if (node < 0) {
                    break;
                }
                int id = trie.pieceAt(node);
                if (id < 0) {
                    continue;
                }
                int target = end + 1;
                double candidate = scores[id] + base;
                if (startsAt[target] < 0 || candidate > best[target]) {
                    best[target] = candidate;
                    startsAt[target] = start;
                    ids[target] = id;
                }
                if (end == start) {
                    singleCharPiece = true;
                }
            }
            if (!singleCharPiece) {
                int target = start + 1;
                double candidate = unkScore + base;
                if (startsAt[target] < 0 || candidate > best[target]) {
                    best[target] = candidate;
                    startsAt[target] = start;
                    ids[target] = unkId;
                }
            }
        }
        return backtrack(startsAt, ids, n);
    }

    /** The best path from the end back, consecutive unknown pieces fused, as (id, start, end) triples. */
    private int[] backtrack(int[] startsAt, int[] ids, int n) {
        int[] reversed = new int[3 * n];
        int count = 0;
        int end = n;
        int unkEnd = -1;
        while (end > 0) {
            int start = startsAt[end];
            int id = ids[end];
            if (id == unkId) {
                if (unkEnd < 0) {
                    unkEnd = end;
                }
            } else {
                if (unkEnd >= 0) {
                    count = put(reversed, count, unkId, end, unkEnd);
                    unkEnd = -1;
                }
                count = put(reversed, count, id, start, end);
            }
            end = start;
        }
        if (unkEnd >= 0) {
            count = put(reversed, count, unkId, 0, unkEnd);
        }
        int[] out = new int[count];
        for (int k = 0; k < count; k += 3) {
            System.arraycopy(reversed, count - 3 - k, out, k, 3);
        }
        return out;
    }

    private static int put(int[] triples, int count, int id, int start, int end) {
        triples[count] = id;
        triples[count + 1] = start;
        triples[count + 2] = end;
        return count + 3;
    }

    /**
     * A trie over the vocabulary's code points: children in one open-addressing table keyed by
     * (node, code point). Immutable after construction.
     */
    static final class CharTrie {
        static final int ROOT = 0;

        private long[] keys;
        private int[] children;
        private int[] pieceIds = new int[1024];
        private int nodes = 1;
        private int mask;

        CharTrie(String[] pieces) {
            long totalCodePoints = 0;
            for (String piece : pieces) {
                totalCodePoints += piece.length();
            }
            int capacity = Integer.highestOneBit((int) Math.min(1 << 29, Math.max(16, totalCodePoints * 2))) * 2;
            keys = new long[capacity];
            Arrays.fill(keys, -1);
            children = new int[capacity];
            mask = capacity - 1;
            Arrays.fill(pieceIds, -1);
            for (int id = 0; id < pieces.length; id++) {
                insert(pieces[id], id);
            }
        }

        private void insert(String piece, int id) {
            if (piece.isEmpty()) {
                return;
            }
            int node = ROOT;
            for (int i = 0; i < piece.length(); ) {
                int cp = piece.codePointAt(i);
                i += Character.charCount(cp);
                int child = step(node, cp);
                if (child < 0) {
                    child = newNode();
                    put(node, cp, child);
                }
                node = child;
            }
            pieceIds[node] = id; // a repeated piece maps to its last id, as the library's map does
        }

        private int newNode() {
            if (nodes == pieceIds.length) {
                int old = pieceIds.length;
                pieceIds = Arrays.copyOf(pieceIds, old * 2);
                Arrays.fill(pieceIds, old, pieceIds.length, -1);
            }
            return nodes++;
        }

        private void put(int node, int cp, int child) {
            long key = (long) node << 21 | cp;
            int slot = hash(key);
            while (keys[slot] != -1) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            children[slot] = child;
        }

        /** The child of {@code node} along {@code cp}, or -1. */
        int step(int node, int cp) {
            long key = (long) node << 21 | cp;
            int slot = hash(key);
            while (true) {
                long k = keys[slot];
                if (k == key) {
                    return children[slot];
                }
                if (k == -1) {
                    return -1;
                }
                slot = (slot + 1) & mask;
            }
        }

        /** The id of the piece ending at {@code node}, or -1. */
        int pieceAt(int node) {
            return pieceIds[node];
        }

        private int hash(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 40) & mask;
        }
    }
}
