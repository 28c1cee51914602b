package io.albert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of the reference file, reproduced exactly. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlbertTokenizerGoldenTest {
    private final AlbertTokenizer stripAccents = AlbertTokenizer.load(Fixtures.tokenizerDir(), TokenizerMode.SLOW);
    private final AlbertTokenizer keepAccents = AlbertTokenizer.load(Fixtures.tokenizerDir(), TokenizerMode.SLOW, true);

    @AfterAll
    void close() {
        stripAccents.close();
        keepAccents.close();
    }

    @Test
    void fileHasTheExpectedNumberOfCases() {
        List<JsonNode> singles = GoldenCases.list("single");
        assertEquals(82, singles.size());
        assertEquals(41, singles.stream().filter(c -> c.get("keep_accents").booleanValue()).count());
        assertEquals(4, GoldenCases.list("pairs").size());
        List<JsonNode> truncation = GoldenCases.list("truncation");
        assertEquals(15, truncation.size());
        assertEquals(6, truncation.stream().filter(c -> c.path("reference_refused").booleanValue()).count());
        assertEquals(4, GoldenCases.ROOT.get("padded_batch").get("texts").size());
    }

    Stream<Arguments> singles() {
        return GoldenCases.list("single").stream().map(c -> Arguments.of(
                (c.get("keep_accents").booleanValue() ? "keep_accents " : "") + "\"" + GoldenCases.label(c.get("text").textValue()) + "\"",
                c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singles")
    void single(String label, JsonNode c) {
        AlbertTokenizer tokenizer = c.get("keep_accents").booleanValue() ? keepAccents : stripAccents;
        String text = c.get("text").textValue();
        List<String> pieces = tokenizer.tokenize(text).stream().map(Token::piece).toList();
        assertEquals(GoldenCases.strings(c.get("tokens")), pieces, "tokens");
        Encoding encoding = tokenizer.encode(text);
        int[] ids = GoldenCases.ints(c.get("input_ids"));
        assertArrayEquals(ids, encoding.inputIds(), "input_ids");
        assertArrayEquals(new int[ids.length], encoding.tokenTypeIds(), "token_type_ids");
        int[] ones = new int[ids.length];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, encoding.attentionMask(), "attention_mask");
        assertEquals(c.get("decoded").textValue(), tokenizer.decode(ids, true), "decode skipping special tokens");
        assertEquals(c.get("decoded_with_special").textValue(), tokenizer.decode(ids, false), "decode with special tokens");
    }

    Stream<Arguments> pairs() {
        return GoldenCases.list("pairs").stream().map(c -> Arguments.of(
                GoldenCases.label(c.get("text").textValue() + " | " + c.get("text_pair").textValue()), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void pair(String label, JsonNode c) {
        Encoding encoding = stripAccents.encode(c.get("text").textValue(), c.get("text_pair").textValue());
        assertArrayEquals(GoldenCases.ints(c.get("input_ids")), encoding.inputIds(), "input_ids");
        assertArrayEquals(GoldenCases.ints(c.get("token_type_ids")), encoding.tokenTypeIds(), "token_type_ids");
        assertArrayEquals(GoldenCases.ints(c.get("attention_mask")), encoding.attentionMask(), "attention_mask");
    }

    Stream<Arguments> truncations() {
        return GoldenCases.list("truncation").stream().map(c -> Arguments.of(
                c.get("truncation").textValue() + " max_length=" + c.get("max_length").intValue()
                        + (c.path("reference_refused").booleanValue() ? " (refused)" : ""), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncations")
    void truncation(String label, JsonNode c) {
        EncodeOptions options = EncodeOptions.defaults()
                .withTruncation(Truncation.valueOf(c.get("truncation").textValue().toUpperCase()))
                .withMaxLength(c.get("max_length").intValue());
        String text = c.get("text").textValue();
        String pair = c.get("text_pair").textValue();
        if (c.path("reference_refused").booleanValue()) {
            AlbertException e = assertThrows(AlbertException.class, () -> stripAccents.encode(text, pair, options));
            assertTrue(e.getMessage().contains("max_length " + options.maxLength()), e.getMessage());
            return;
        }
        Encoding encoding = stripAccents.encode(text, pair, options);
        assertArrayEquals(GoldenCases.ints(c.get("input_ids")), encoding.inputIds(), "input_ids");
        assertArrayEquals(GoldenCases.ints(c.get("token_type_ids")), encoding.tokenTypeIds(), "token_type_ids");
        assertEquals(options.maxLength(), encoding.length());
    }

    @Test
    void paddedBatch() {
        JsonNode batch = GoldenCases.ROOT.get("padded_batch");
        assertEquals("max_length", batch.get("padding").textValue());
        EncodeOptions options = EncodeOptions.defaults().withPadding(Padding.MAX_LENGTH)
                .withMaxLength(batch.get("max_length").intValue());
        List<Encoding> encodings = stripAccents.encodeBatch(GoldenCases.strings(batch.get("texts")), null, options);
        assertEquals(batch.get("input_ids").size(), encodings.size());
        for (int i = 0; i < encodings.size(); i++) {
            Encoding encoding = encodings.get(i);
            assertArrayEquals(GoldenCases.ints(batch.get("input_ids").get(i)), encoding.inputIds(), "input_ids " + i);
            assertArrayEquals(GoldenCases.ints(batch.get("token_type_ids").get(i)), encoding.tokenTypeIds(),
                    "token_type_ids " + i);
            assertArrayEquals(GoldenCases.ints(batch.get("attention_mask").get(i)), encoding.attentionMask(),
                    "attention_mask " + i);
        }
    }
}
