package io.albert4j.tokenizer;

import io.albert4j.AlbertException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns tokenized sequences into {@link Encoding}s: truncation, {@code [CLS] A [SEP] (B [SEP])},
 * token types, padding on the right. With slow semantics as Hugging Face's {@code prepare_for_model}
 * and {@code pad} do (where Hugging Face only logs an error because a strategy cannot reach the
 * maximum length, and returns the sequences untruncated, this class throws); with fast semantics
 * as the {@code tokenizers} library's {@code truncate_encodings}, {@code TemplateProcessing} and
 * padding do (its truncation errors are thrown with the library's text). Immutable and thread-safe.
 */
final class EncodingBuilder {
    private final Special cls;
    private final Special sep;
    private final Special pad;
    private final long modelMaxLength;
    private final boolean fast;

    /** The {@code tokenizers} library's error when only_first / only_second cannot reach max_length. */
    static final String SEQUENCE_TOO_SHORT =
            "Truncation error: Sequence to truncate too short to respect the provided max_length";
    /** The {@code tokenizers} library's error for only_second without a second sequence. */
    static final String SECOND_SEQUENCE_NOT_PROVIDED = "Truncation error: Second sequence not provided";

    /** An added special token. */
    record Special(String token, int id) {
    }

    /** @param fast the {@code tokenizers} library's truncation and type ids, else the slow tokenizer's */
    EncodingBuilder(Special cls, Special sep, Special pad, long modelMaxLength, boolean fast) {
        this.cls = cls;
        this.sep = sep;
        this.pad = pad;
        this.modelMaxLength = modelMaxLength;
        this.fast = fast;
    }

    /** The length limit the options mean: their own, else a finite model maximum, else 0 (none). */
    int maxLength(EncodeOptions options) {
        if (options.maxLength() > 0) {
            return options.maxLength();
        }
        return modelMaxLength <= Integer.MAX_VALUE ? (int) modelMaxLength : 0;
    }

    /** Truncates and adds special tokens; pads only for {@link Padding#MAX_LENGTH}. */
    Encoding build(List<Token> first, List<Token> second, EncodeOptions options) {
        return build(first, second, options, first.size(), second == null ? 0 : second.size());
    }

    /**
     * As {@link #build(List, List, EncodeOptions)}, where the fast tokenizer's longest_first split
     * sees the sequences as {@code tokenizedFirst} and {@code tokenizedSecond} tokens long (the library
     * stops tokenizing a truncated sequence early: {@link AlbertTokenizer#truncationTokenizedLength}).
     */
    Encoding build(List<Token> first, List<Token> second, EncodeOptions options, int tokenizedFirst,
                   int tokenizedSecond) {
        int maxLength = maxLength(options);
        List<Token> a = first;
        List<Token> b = second;
        int specials = options.addSpecialTokens() ? (second == null ? 2 : 3) : 0;
        int total = a.size() + (b == null ? 0 : b.size()) + specials;
        if (fast && options.truncation() != Truncation.NONE && maxLength > 0) {
            int[] keep = fastKeptLengths(a.size(), b, maxLength - specials, options.truncation(), maxLength, specials,
                    tokenizedFirst, tokenizedSecond);
            a = a.subList(0, keep[0]);
            b = b == null ? null : b.subList(0, keep[1]);
        } else if (!fast && options.truncation() != Truncation.NONE && maxLength > 0 && total > maxLength) {
            int[] keep = keptLengths(a.size(), b, total - maxLength, options.truncation(), maxLength);
            a = a.subList(0, keep[0]);
            b = b == null ? null : b.subList(0, keep[1]);
        }
        Encoding encoding = assemble(a, b, options.addSpecialTokens());
        if (options.padding() == Padding.MAX_LENGTH && maxLength > 0) {
            return pad(encoding, maxLength);
        }
        return encoding;
    }

    /** How many tokens of each sequence survive removing {@code remove} tokens. */
    private static int[] keptLengths(int lengthA, List<Token> b, int remove, Truncation strategy, int maxLength) {
        int lengthB = b == null ? 0 : b.size();
        if (strategy == Truncation.ONLY_FIRST || (strategy == Truncation.LONGEST_FIRST && b == null)) {
            if (lengthA <= remove) {
                throw cannotTruncate(strategy, maxLength, remove, "the first sequence has " + lengthA + " tokens");
            }
            return new int[] {lengthA - remove, lengthB};
        }
        if (strategy == Truncation.ONLY_SECOND) {
            if (b == null || lengthB <= remove) {
                throw cannotTruncate(strategy, maxLength, remove,
                        b == null ? "there is no second sequence" : "the second sequence has " + lengthB + " tokens");
            }
            return new int[] {lengthA, lengthB - remove};
        }
        if (remove > lengthA + lengthB) {
            throw cannotTruncate(strategy, maxLength, remove, "the sequences have " + (lengthA + lengthB) + " tokens");
        }
        int firstRemove = Math.min(Math.abs(lengthB - lengthA), remove);
        int secondRemove = remove - firstRemove;
        int fromA = lengthA > lengthB ? firstRemove + secondRemove / 2 : secondRemove / 2;
        return new int[] {lengthA - fromA, lengthB - (remove - fromA)};
    }

    /**
     * The {@code tokenizers} library's {@code truncate_encodings} with the special tokens'
     * room taken off {@code maxLength}: longest_first cuts the longer sequence down to the
     * shorter, then both to half the budget, the one that was longer keeping the odd token, each
     * sequence as long as the library has tokenized it.
     */
    private static int[] fastKeptLengths(int lengthA, List<Token> b, int budget, Truncation strategy, int maxLength,
                                         int specials, int tokenizedA, int tokenizedB) {
        int lengthB = b == null ? 0 : b.size();
        if (budget < 0) {
            throw new AlbertException("cannot truncate to max_length " + maxLength + ": the " + specials
                    + " special tokens alone are longer");
        }
        if (budget == 0) {
            return new int[] {0, 0};
        }
        if (lengthA + lengthB <= budget) {
            return new int[] {lengthA, lengthB};
        }
        int remove = lengthA + lengthB - budget;
        switch (strategy) {
            case LONGEST_FIRST -> {
                if (b == null) {
                    return new int[] {budget, 0};
                }
                // the lengths the library has tokenized when truncate_encodings runs decide who keeps the odd token
                int cappedA = Math.min(lengthA, tokenizedA);
                int cappedB = Math.min(lengthB, tokenizedB);
                boolean swap = cappedA > cappedB;
                int n1 = Math.min(cappedA, cappedB);
                int n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
                if (n1 + n2 > budget) {
                    n1 = budget / 2;
                    n2 = n1 + budget % 2;
                }
                return swap ? new int[] {n2, n1} : new int[] {n1, n2};
            }
            case ONLY_FIRST -> {
                if (lengthA <= remove) {
                    throw fastCannotTruncate(strategy, maxLength, remove, "the first sequence has " + lengthA + " tokens");
                }
                return new int[] {lengthA - remove, lengthB};
            }
            case ONLY_SECOND -> {
                if (b == null) {
                    throw new AlbertException(SECOND_SEQUENCE_NOT_PROVIDED + " (truncation ONLY_SECOND, max_length "
                            + maxLength + ")");
                }
                if (lengthB <= remove) {
                    throw fastCannotTruncate(strategy, maxLength, remove, "the second sequence has " + lengthB + " tokens");
                }
                return new int[] {lengthA, lengthB - remove};
            }
            default -> throw new IllegalArgumentException("truncation " + strategy);
        }
    }

    private static AlbertException fastCannotTruncate(Truncation strategy, int maxLength, int remove, String why) {
        return new AlbertException(SEQUENCE_TOO_SHORT + " (truncation " + strategy + ", max_length " + maxLength + ": "
                + remove + " tokens must go but " + why + "; use LONGEST_FIRST or a larger max_length)");
    }

    private static AlbertException cannotTruncate(Truncation strategy, int maxLength, int remove, String why) {
        return new AlbertException("cannot truncate to max_length " + maxLength + " with " + strategy + ": "
                + remove + " tokens must go but " + why
                + (strategy == Truncation.LONGEST_FIRST ? "" : "; use LONGEST_FIRST or another strategy"));
    }

    private Encoding assemble(List<Token> a, List<Token> b, boolean addSpecials) {
        Columns columns = new Columns(a.size() + (b == null ? 0 : b.size()) + 3);
        if (addSpecials) {
            columns.special(cls, 0);
        }
        columns.tokens(a, 0, 0);
        if (addSpecials) {
            columns.special(sep, 0);
        }
        if (b != null) {
            columns.tokens(b, 1, addSpecials || fast ? 1 : 0);
            if (addSpecials) {
                columns.special(sep, 1);
            }
        }
        return columns.toEncoding();
    }

    /** {@code encoding} padded on the right to {@code length}; unchanged when not shorter. */
    Encoding pad(Encoding encoding, int length) {
        int n = encoding.length();
        if (n >= length) {
            return encoding;
        }
        List<String> tokens = new ArrayList<>(length);
        tokens.addAll(encoding.tokens());
        for (int i = n; i < length; i++) {
            tokens.add(pad.token());
        }
        int[] ids = Arrays.copyOf(encoding.inputIds(), length);
        Arrays.fill(ids, n, length, pad.id());
        int[] sequenceIds = Arrays.copyOf(encoding.sequenceIds(), length);
        Arrays.fill(sequenceIds, n, length, -1);
        return new Encoding(tokens, ids, Arrays.copyOf(encoding.tokenTypeIds(), length),
                Arrays.copyOf(encoding.attentionMask(), length), sequenceIds,
                Arrays.copyOf(encoding.starts(), length), Arrays.copyOf(encoding.ends(), length));
    }

    /** Accumulates the columns of an encoding. */
    private static final class Columns {
        private final List<String> tokens;
        private final int[][] ints;
        private int size;

        Columns(int capacity) {
            tokens = new ArrayList<>(capacity);
            ints = new int[6][capacity];
        }

        void special(Special special, int typeId) {
            add(special.token(), special.id(), typeId, -1, 0, 0);
        }

        void tokens(List<Token> sequence, int sequenceId, int typeId) {
            for (Token token : sequence) {
                add(token.piece(), token.id(), typeId, sequenceId, token.start(), token.end());
            }
        }

        private void add(String token, int id, int typeId, int sequenceId, int start, int end) {
            tokens.add(token);
            int[] row = {id, typeId, 1, sequenceId, start, end};
            for (int column = 0; column < row.length; column++) {
                ints[column][size] = row[column];
            }
            size++;
        }

        Encoding toEncoding() {
            int[][] c = new int[6][];
            for (int column = 0; column < c.length; column++) {
                c[column] = Arrays.copyOf(ints[column], size);
            }
            return new Encoding(tokens, c[0], c[1], c[2], c[3], c[4], c[5]);
        }
    }
}
