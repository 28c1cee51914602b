package io.albert4j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes one preprocessed run of text (the text between special tokens) as Hugging Face's
 * {@code AlbertTokenizer._tokenize} does: SentencePiece pieces from the native encoder, then the
 * digit-comma rule ({@code "2000,"} becomes {@code "2000", ","}). Offsets come from aligning the
 * pieces with {@link SpNormalizer}'s normalized string, whose chars know their source range.
 * Immutable and thread-safe.
 */
final class SegmentEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentEncoder.class);
    private static final char SPACE = SpNormalizer.SPACE_SYMBOL;

    private final SpNormalizer normalizer;
    private final NativeSentencePiece sentencePiece;
    private final Vocabulary vocabulary;

    SegmentEncoder(SpNormalizer normalizer, NativeSentencePiece sentencePiece, Vocabulary vocabulary) {
        this.normalizer = normalizer;
        this.sentencePiece = sentencePiece;
        this.vocabulary = vocabulary;
    }

    /** Appends the tokens of {@code text}, whose ranges are original-text offsets, to {@code out}. */
    void encode(AlignedText text, List<Token> out) {
        if (text.length() == 0) {
            return;
        }
        String[] pieces = sentencePiece.pieces(text.toString());
        AlignedText normalized = normalizer.normalize(text);
        Spans spans = new Spans(text, normalized);
        int first = out.size();
        int cursor = 0;
        for (String piece : pieces) {
            int end = spans.match(piece, cursor);
            if (end < 0) {
                fallBack(text, pieces, out, first);
                return;
            }
            if (isDigitComma(piece)) {
                addParts(digitCommaParts(piece), spans, cursor, end, out);
            } else {
                out.add(spans.token(piece, vocabulary.id(piece), cursor, end));
            }
            cursor = end;
        }
    }

    /** HF's rule applies to a piece longer than one char ending in a digit and a comma. */
    private static boolean isDigitComma(String piece) {
        int n = piece.length();
        return n > 1 && piece.charAt(n - 1) == ',' && Character.isDigit(piece.charAt(n - 2));
    }

    /**
     * The piece re-encoded without its comma and {@code ▁}s, the new leading {@code ▁} dropped
     * when the piece had none, and {@code ","} appended as its own piece.
     */
    private List<String> digitCommaParts(String piece) {
        String digits = piece.substring(0, piece.length() - 1).replace(String.valueOf(SPACE), "");
        List<String> parts = new ArrayList<>(List.of(sentencePiece.pieces(digits)));
        if (piece.charAt(0) != SPACE && !parts.isEmpty() && parts.get(0).charAt(0) == SPACE) {
            if (parts.get(0).length() == 1) {
                parts.remove(0);
            } else {
                parts.set(0, parts.get(0).substring(1));
            }
        }
        parts.add(",");
        return parts;
    }

    /** Adds the parts of the piece at normalized chars {@code [from, to)}, each with its own span. */
    private void addParts(List<String> parts, Spans spans, int from, int to, List<Token> out) {
        List<Token> tokens = new ArrayList<>(parts.size());
        int cursor = from;
        for (String part : parts) {
            int end = spans.matchSkippingSpaces(part, cursor, to);
            if (end < 0) {
                parts.forEach(p -> out.add(spans.token(p, vocabulary.id(p), from, to)));
                return;
            }
            tokens.add(spans.token(part, vocabulary.id(part), cursor, end));
            cursor = end;
        }
        out.addAll(tokens);
    }

    /**
     * Should the native pieces ever disagree with the Java normalization, every token of the run
     * gets the run's whole span: ids stay exact, offsets become coarse but remain ordered.
     */
    private void fallBack(AlignedText text, String[] pieces, List<Token> out, int first) {
        LOG.debug("pieces {} do not spell the normalized text of \"{}\"; using coarse offsets", pieces, text);
        out.subList(first, out.size()).clear();
        int start = text.start(0);
        int end = text.end(text.length() - 1);
        for (String piece : pieces) {
            for (String part : isDigitComma(piece) ? digitCommaParts(piece) : List.of(piece)) {
                out.add(new Token(part, vocabulary.id(part), start, end));
            }
        }
    }

    /** Maps ranges of the normalized string to spans of the original text. */
    private static final class Spans {
        private final AlignedText text;
        private final AlignedText normalized;

        Spans(AlignedText text, AlignedText normalized) {
            this.text = text;
            this.normalized = normalized;
        }

        /** The end of {@code piece} when it spells the normalized string from {@code at}, else -1. */
        int match(String piece, int at) {
            if (piece.length() > normalized.length() - at) {
                return -1;
            }
            for (int k = 0; k < piece.length(); k++) {
                if (normalized.charAt(at + k) != piece.charAt(k)) {
                    return -1;
                }
            }
            return at + piece.length();
        }

        /** Like {@link #match} within {@code [at, limit)}, also skipping {@code ▁}s the piece lacks. */
        int matchSkippingSpaces(String piece, int at, int limit) {
            int i = at;
            for (int k = 0; k < piece.length(); k++) {
                char c = piece.charAt(k);
                while (i < limit && c != SPACE && normalized.charAt(i) == SPACE) {
                    i++;
                }
                if (i >= limit || normalized.charAt(i) != c) {
                    return -1;
                }
                i++;
            }
            return i;
        }

        /** The token for normalized chars {@code [from, to)}, {@code ▁}s excluded from its span. */
        Token token(String piece, int id, int from, int to) {
            int first = from;
            while (first < to && normalized.charAt(first) == SPACE) {
                first++;
            }
            int last = to - 1;
            while (last >= first && normalized.charAt(last) == SPACE) {
                last--;
            }
            if (first > last) {
                int position = originalPosition(normalized.end(to - 1));
                return new Token(piece, id, position, position);
            }
            return new Token(piece, id, text.start(normalized.start(first)), text.end(normalized.end(last) - 1));
        }

        /** The original offset where text char {@code index} starts (or where the text ends). */
        private int originalPosition(int index) {
            return index < text.length() ? text.start(index) : text.end(text.length() - 1);
        }
    }
}
