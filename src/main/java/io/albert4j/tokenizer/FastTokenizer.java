package io.albert4j.tokenizer;

import io.albert4j.AlbertException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast tokenizer: what the Rust {@code tokenizers} library does with an ALBERT
 * {@code tokenizer.json} (added tokens cut out of the raw text, normalizer sequence,
 * WhitespaceSplit + Metaspace pre-tokenization, Unigram), written in Java, with offsets equal to
 * {@code offset_mapping} (as UTF-16 char indices). Decoding is {@code tokenizers}' Metaspace
 * decoder followed by transformers' {@code clean_up_tokenization}. Immutable and thread-safe.
 */
final class FastTokenizer {
    /** The Metaspace settings of the pre-tokenizer and the decoder. */
    record Metaspace(int replacement, boolean prependAlways, boolean split) {
    }

    private final String[] pieces;
    private final Map<String, Integer> ids;
    private final Unigram unigram;
    private final FastNormalizer normalizer;
    private final AddedTokens rawAdded;
    private final AddedTokens normalizedAdded;
    private final Map<Integer, AddedTokens.AddedToken> addedById = new HashMap<>();
    private final boolean whitespaceSplit;
    private final Metaspace preTokenizer;
    private final Metaspace decoder;
    private final boolean cleanUpSpaces;

    FastTokenizer(String[] pieces, double[] scores, int unkId, List<AddedTokens.AddedToken> added,
                  FastNormalizer normalizer, boolean whitespaceSplit, Metaspace preTokenizer, Metaspace decoder,
                  boolean cleanUpSpaces) {
        this.pieces = pieces.clone();
        this.ids = new HashMap<>(pieces.length * 2);
        for (int id = 0; id < pieces.length; id++) {
            ids.put(pieces[id], id);
        }
        this.unigram = new Unigram(pieces, scores, unkId);
        this.normalizer = normalizer;
        List<AddedTokens.AddedToken> raw = new ArrayList<>();
        List<AddedTokens.AddedToken> normalizedTokens = new ArrayList<>();
        for (AddedTokens.AddedToken token : added) {
            (token.normalized() ? normalizedTokens : raw).add(normalizedContent(token));
            addedById.put(token.id(), token);
        }
        this.rawAdded = new AddedTokens(raw);
        this.normalizedAdded = new AddedTokens(normalizedTokens);
        this.whitespaceSplit = whitespaceSplit;
        this.preTokenizer = preTokenizer;
        this.decoder = decoder;
        this.cleanUpSpaces = cleanUpSpaces;
    }

    /** A normalized added token is matched by its normalized content. */
    private AddedTokens.AddedToken normalizedContent(AddedTokens.AddedToken token) {
        if (!token.normalized()) {
            return token;
        }
        String content = normalizer.normalize(NormalizedText.of(token.content(), 0, token.content().length())).toString();
        if (content.isEmpty()) {
            throw new AlbertException("added token \"" + token.content() + "\" normalizes to nothing");
        }
        return new AddedTokens.AddedToken(token.id(), content, token.special(), token.lstrip(), token.rstrip(),
                token.singleWord(), true);
    }

    /** The number of ids: the model's pieces, or more when an added token lies beyond them. */
    int vocabSize() {
        int size = pieces.length;
        for (int id : addedById.keySet()) {
            size = Math.max(size, id + 1);
        }
        return size;
    }

    /** {@code convert_ids_to_tokens}: the added token's content, else the model's piece; null when unknown. */
    String token(int id) {
        AddedTokens.AddedToken added = addedById.get(id);
        if (added != null) {
            return added.content();
        }
        return id >= 0 && id < pieces.length ? pieces[id] : null;
    }

    /** {@code token_to_id}: an added token's id, else the model's, else -1. */
    int id(String token) {
        for (AddedTokens.AddedToken added : addedById.values()) {
            if (added.content().equals(token)) {
                return added.id();
            }
        }
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** Whether the id is an added token (special or not). */
    boolean isAdded(int id) {
        return addedById.containsKey(id);
    }

    /** Whether the id is an added token flagged {@code special} (what decoding skips). */
    boolean isSpecial(int id) {
        AddedTokens.AddedToken added = addedById.get(id);
        return added != null && added.special();
    }

    /** {@code normalizer.normalize_str(text)}: the normalizer sequence alone. */
    String normalize(String text) {
        return normalizer.normalize(NormalizedText.of(text, 0, text.length())).toString();
    }

    /** The tokens of {@code text}, offsets in UTF-16 chars of {@code text}. */
    List<Token> tokenize(String text) {
        List<Token> out = new ArrayList<>(text.length() / 4 + 4);
        int cursor = 0;
        for (AddedTokens.Match match : rawAdded.find(text, 0, text.length())) {
            encodeText(text, cursor, match.from(), out);
            out.add(new Token(token(match.token().id()), match.token().id(), match.from(), match.to()));
            cursor = match.to();
        }
        encodeText(text, cursor, text.length(), out);
        return out;
    }

    private void encodeText(String text, int from, int to, List<Token> out) {
        if (from >= to) {
            return;
        }
        NormalizedText normalized = normalizer.normalize(NormalizedText.of(text, from, to));
        if (normalized.length == 0) {
            return;
        }
        if (normalizedAdded.isEmpty()) {
            preTokenize(normalized, 0, normalized.length, out);
            return;
        }
        String chars = normalized.toString();
        int cursor = 0;
        for (AddedTokens.Match match : normalizedAdded.find(chars, 0, chars.length())) {
            int matchFrom = chars.codePointCount(0, match.from());
            int matchTo = chars.codePointCount(0, match.to());
            preTokenize(normalized, cursor, matchFrom, out);
            out.add(new Token(token(match.token().id()), match.token().id(),
                    normalized.originalStart(matchFrom, matchTo), normalized.originalEnd(matchFrom, matchTo)));
            cursor = matchTo;
        }
        preTokenize(normalized, cursor, normalized.length, out);
    }

    /** WhitespaceSplit, then Metaspace, then the model, on code points {@code [from, to)}. */
    private void preTokenize(NormalizedText normalized, int from, int to, List<Token> out) {
        int[] word = new int[to - from + 1];
        if (!whitespaceSplit) {
            if (from < to) {
                metaspace(normalized, from, to, word, out);
            }
            return;
        }
        int i = from;
        while (i < to) {
            while (i < to && isWhitespace(normalized.codePoints[i])) {
                i++;
            }
            int start = i;
            while (i < to && !isWhitespace(normalized.codePoints[i])) {
                i++;
            }
            if (i > start) {
                metaspace(normalized, start, i, word, out);
            }
        }
    }

    /**
     * Metaspace on the word at code points {@code [from, to)}: spaces become the replacement, which
     * is prepended unless the word starts with it (aligned like the word's first code point, as
     * the library's {@code prepend} aligns it), and the word is split before each replacement.
     * The word is spelled into {@code word} (scratch space) rather than copied with alignments.
     */
    private void metaspace(NormalizedText normalized, int from, int to, int[] word, List<Token> out) {
        if (preTokenizer == null) {
            model(normalized, from, false, normalized.codePoints, from, to, out);
            return;
        }
        int replacement = preTokenizer.replacement();
        int first = normalized.codePoints[from];
        boolean prepended = preTokenizer.prependAlways() && first != replacement && first != ' ';
        int length = 0;
        if (prepended) {
            word[length++] = replacement;
        }
        for (int i = from; i < to; i++) {
            int cp = normalized.codePoints[i];
            word[length++] = cp == ' ' ? replacement : cp;
        }
        if (!preTokenizer.split()) {
            model(normalized, from, prepended, word, 0, length, out);
            return;
        }
        int start = 0;
        for (int i = 1; i < length; i++) {
            if (word[i] == replacement) {
                model(normalized, from, prepended, word, start, i, out);
                start = i;
            }
        }
        model(normalized, from, prepended, word, start, length, out);
    }

    /**
     * Unigram on {@code word[start, end)}, a piece of the word that begins at normalized code point
     * {@code wordFrom} (after a prepended replacement when {@code prepended}).
     */
    private void model(NormalizedText normalized, int wordFrom, boolean prepended, int[] word, int start, int end,
                       List<Token> out) {
        int[] triples = unigram.encode(word, start, end);
        int shift = (prepended ? 1 : 0) + (word == normalized.codePoints ? wordFrom : 0);
        for (int k = 0; k < triples.length; k += 3) {
            int id = triples[k];
            int first = Math.max(wordFrom, wordFrom + start + triples[k + 1] - shift);
            int last = Math.max(wordFrom, wordFrom + start + triples[k + 2] - 1 - shift);
            out.add(new Token(pieces[id], id, normalized.originalStart(first, last + 1),
                    normalized.originalEnd(first, last + 1)));
        }
    }

    /** {@code decode}: tokens by id, special ones dropped on request, Metaspace decoder, clean-up. */
    String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder();
        int index = 0;
        for (int id : ids) {
            String token = token(id);
            if (token == null) {
                throw new AlbertException("token id " + id + " is out of range [0, " + vocabSize() + ")");
            }
            if (skipSpecialTokens && isSpecial(id)) {
                continue;
            }
            appendDecoded(token, index++, out);
        }
        String text = out.toString();
        return cleanUpSpaces ? Detokenizer.cleanUp(text) : text;
    }

    private void appendDecoded(String token, int index, StringBuilder out) {
        if (decoder == null) {
            if (index > 0) {
                out.append(' ');
            }
            out.append(token);
            return;
        }
        for (int i = 0; i < token.length(); ) {
            int cp = token.codePointAt(i);
            i += Character.charCount(cp);
            if (cp != decoder.replacement()) {
                out.appendCodePoint(cp);
            } else if (index > 0 || !decoder.prependAlways()) {
                out.append(' ');
            }
        }
    }

    /** Where {@code WhitespaceSplit} splits: Rust's {@code char::is_whitespace}, from the library's data. */
    static boolean isWhitespace(int cp) {
        return FastUnicode.get().isWhitespace(cp);
    }
}
