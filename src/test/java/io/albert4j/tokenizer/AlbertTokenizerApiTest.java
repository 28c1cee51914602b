package io.albert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The public API beyond the reference cases: ids, bad input, pairs, batches, options. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlbertTokenizerApiTest {
    private final AlbertTokenizer tokenizer = AlbertTokenizer.load(Fixtures.tokenizerDir(), TokenizerMode.SLOW);

    @AfterAll
    void close() {
        tokenizer.close();
    }

    @Test
    void specialTokensAndVocabulary() {
        assertEquals(30000, tokenizer.vocabSize());
        assertEquals(List.of(0, 1, 2, 3, 4), List.of(tokenizer.padId(), tokenizer.unkId(), tokenizer.clsId(),
                tokenizer.sepId(), tokenizer.maskId()));
        assertEquals("[MASK]", tokenizer.maskToken());
        for (int id = 0; id < 6; id++) {
            assertEquals(id < 5, tokenizer.isSpecial(id), "isSpecial(" + id + ")");
        }
        assertEquals(Long.MAX_VALUE, tokenizer.modelMaxLength());
    }

    @Test
    void idsAndTokensRoundTrip() {
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            assertEquals(id, tokenizer.tokenToId(tokenizer.idToToken(id)));
        }
        assertEquals(10975, tokenizer.tokenToId("▁hello"));
        assertEquals(tokenizer.unkId(), tokenizer.tokenToId("no such piece"));
        assertEquals("[MASK]", tokenizer.idToToken(4));
    }

    @Test
    void outOfRangeIdsAreRefusedNotFatal() {
        for (int id : new int[] {-1, 30000, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            AlbertException e = assertThrows(AlbertException.class, () -> tokenizer.idToToken(id));
            assertTrue(e.getMessage().contains(String.valueOf(id)), e.getMessage());
            assertThrows(AlbertException.class, () -> tokenizer.decode(new int[] {5, id}, false));
        }
    }

    @Test
    void nullInputIsIllegal() {
        EncodeOptions options = EncodeOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenize(null));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode(null));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("a", "b", null));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encodeBatch(null, null, options));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encodeBatch(Arrays.asList("a", null), null, options));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encodeIds(null, null, options));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(null, true));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenToId(null));
        assertThrows(IllegalArgumentException.class, () -> AlbertTokenizer.load(null));
        assertThrows(IllegalArgumentException.class, () -> options.withMaxLength(-1));
    }

    /** As Hugging Face (Python: UnicodeEncodeError, "surrogates not allowed"): a lone surrogate is refused. */
    @Test
    void loneSurrogatesAreRefusedWithAClearError() {
        for (String text : new String[]{"a\uD800b", "\uDFFF", "end \uDBFF", "\uDFFF\uDBFF"}) {
            AlbertException e = assertThrows(AlbertException.class, () -> tokenizer.tokenize(text));
            assertTrue(e.getMessage().contains("lone UTF-16 surrogate"), e.getMessage());
            assertThrows(AlbertException.class, () -> tokenizer.encode("fine", text));
        }
        AlbertException e = assertThrows(AlbertException.class, () -> tokenizer.encode("ok \uD800"));
        assertTrue(e.getMessage().contains("\\ud800 at position 3"), e.getMessage());
        List<Token> paired = tokenizer.tokenize("a \uDBFF\uDFFF");
        assertEquals(List.of("▁a", "▁", "\uDBFF\uDFFF"), pieces(paired));
    }

    @Test
    void controlCharactersAreRemoved() {
        List<Token> tokens = tokenizer.tokenize("\u0001a\u0007b\u001b\u007f c\u0000");
        assertEquals(List.of("▁ab", "▁c", "\u0000"), pieces(tokens));
        assertEquals(1, tokens.get(0).start());
        assertEquals(4, tokens.get(0).end());
        assertTrue(tokenizer.tokenize("\u0002\u0003").isEmpty());
    }

    @Test
    void specialTokensInTextStayWholeAndLowerCasingCanCreateThem() {
        assertEquals(List.of("<unk>", "▁a", "<pad>"), pieces(tokenizer.tokenize("<UNK> a <Pad>")));
        assertEquals(List.of("▁[", "cl", "s", "]"), pieces(tokenizer.tokenize("[cls]")));
        List<Token> tokens = tokenizer.tokenize("a  \t[MASK]b");
        assertEquals(new Token("[MASK]", 4, 4, 10), tokens.get(1));
    }

    @Test
    void pairsCarryTypesSequenceIdsAndOffsetsPerText() {
        Encoding encoding = tokenizer.encode("Hello world", "The lazy dog");
        assertEquals(List.of("[CLS]", "▁hello", "▁world", "[SEP]", "▁the", "▁lazy", "▁dog", "[SEP]"),
                encoding.tokens());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1}, encoding.tokenTypeIds());
        assertArrayEquals(new int[] {-1, 0, 0, -1, 1, 1, 1, -1}, encoding.sequenceIds());
        assertArrayEquals(new int[] {0, 0, 6, 0, 0, 4, 9, 0}, encoding.starts());
        assertArrayEquals(new int[] {0, 5, 11, 0, 3, 8, 12, 0}, encoding.ends());
    }

    @Test
    void encodeIdsMatchesEncode() {
        String text = "The man went to the store.";
        String pair = "He bought a gallon of milk, 1,000 liters.";
        EncodeOptions options = EncodeOptions.defaults().withTruncation(Truncation.LONGEST_FIRST).withMaxLength(12)
                .withPadding(Padding.MAX_LENGTH);
        assertEquals(tokenizer.encode(text, pair, options),
                tokenizer.encodeIds(tokenizer.tokenize(text), tokenizer.tokenize(pair), options));
        assertEquals(tokenizer.encode(text), tokenizer.encodeIds(tokenizer.tokenize(text), null, EncodeOptions.defaults()));
    }

    @Test
    void batchPadsToTheLongest() {
        List<Encoding> batch = tokenizer.encodeBatch(List.of("a", "a b c x", "a b"), Arrays.asList("x", null, "x a"),
                EncodeOptions.defaults().withPadding(Padding.LONGEST));
        assertEquals(List.of(7, 7, 7), batch.stream().map(Encoding::length).toList());
        Encoding first = batch.get(0);
        assertEquals(List.of("[CLS]", "▁a", "[SEP]", "▁x", "[SEP]", "<pad>", "<pad>"), first.tokens());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 0, 0}, first.attentionMask());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 0, 0}, first.tokenTypeIds());
        assertArrayEquals(new int[] {-1, 0, -1, 1, -1, -1, -1}, first.sequenceIds());
        assertArrayEquals(new int[] {0, 0}, Arrays.copyOfRange(first.inputIds(), 5, 7));
        assertEquals(List.of("[CLS]", "▁a", "▁b", "▁c", "▁x", "[SEP]", "<pad>"), batch.get(1).tokens());
        assertThrows(IllegalArgumentException.class,
                () -> tokenizer.encodeBatch(List.of("a"), List.of("b", "c"), EncodeOptions.defaults()));
    }

    @Test
    void singleEncodingIgnoresLongestPadding() {
        assertEquals(tokenizer.encode("a b"), tokenizer.encode("a b", null, EncodeOptions.defaults()
                .withPadding(Padding.LONGEST)));
    }

    @Test
    void withoutSpecialTokens() {
        Encoding encoding = tokenizer.encode("a b", "c", EncodeOptions.defaults().withAddSpecialTokens(false));
        assertEquals(List.of("▁a", "▁b", "▁c"), encoding.tokens());
        assertArrayEquals(new int[] {0, 0, 0}, encoding.tokenTypeIds());
        assertArrayEquals(new int[] {0, 0, 1}, encoding.sequenceIds());
    }

    @Test
    void truncationOfSingleTexts() {
        EncodeOptions options = EncodeOptions.defaults().withMaxLength(4);
        String text = "one two three four five";
        assertEquals(7, tokenizer.encode(text, null, options).length());
        Encoding truncated = tokenizer.encode(text, null, options.withTruncation(Truncation.LONGEST_FIRST));
        assertEquals(List.of("[CLS]", "▁one", "▁two", "[SEP]"), truncated.tokens());
        assertEquals(truncated, tokenizer.encode(text, null, options.withTruncation(Truncation.ONLY_FIRST)));
        assertEquals(7, tokenizer.encode("a b", null, options.withTruncation(Truncation.ONLY_SECOND)
                .withMaxLength(7)).length() + 3);
        AlbertException e = assertThrows(AlbertException.class,
                () -> tokenizer.encode(text, null, options.withTruncation(Truncation.ONLY_SECOND)));
        assertTrue(e.getMessage().contains("no second sequence"), e.getMessage());
        assertThrows(AlbertException.class,
                () -> tokenizer.encode(text, "pair", options.withTruncation(Truncation.LONGEST_FIRST).withMaxLength(2)));
    }

    @Test
    void longestFirstTakesFromTheLongerThenAlternates() {
        EncodeOptions options = EncodeOptions.defaults().withTruncation(Truncation.LONGEST_FIRST).withMaxLength(9);
        Encoding encoding = tokenizer.encode("a b c d e f g h", "the lazy dog", options);
        assertEquals(List.of("[CLS]", "▁a", "▁b", "▁c", "[SEP]", "▁the", "▁lazy", "▁dog", "[SEP]"), encoding.tokens());
        // equal lengths: 3 to remove, 1 from the first and 2 from the second
        Encoding even = tokenizer.encode("a b c d", "the quick brown fox", options.withMaxLength(8));
        assertEquals(List.of("[CLS]", "▁a", "▁b", "▁c", "[SEP]", "▁the", "▁quick", "[SEP]"), even.tokens());
    }

    @Test
    void encodingsCompareByContent() {
        Encoding a = tokenizer.encode("same text");
        Encoding b = tokenizer.encode("same text");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, tokenizer.encode("other text"));
        assertTrue(a.toString().contains("▁same"));
        assertFalse(a.equals(null));
    }

    private static List<String> pieces(List<Token> tokens) {
        return tokens.stream().map(Token::piece).toList();
    }
}
