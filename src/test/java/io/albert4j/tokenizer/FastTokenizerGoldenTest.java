package io.albert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every case of {@code v5/tokenizer/albert-base-v2-fast-cases.json} (transformers 5.17, tokenizers
 * 0.23.2) reproduced exactly by the default (fast) tokenizer, loaded from {@code tokenizer.json}
 * and, separately, from a directory with only {@code spiece.model} (converted as transformers 5
 * converts it): tokens, ids, token types, attention mask, offsets and both decodings. The reference's offsets
 * count code points; they are converted to this library's UTF-16 offsets with the text itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FastTokenizerGoldenTest {
    private static final JsonNode ROOT = read();

    private final AlbertTokenizer stripAccents = AlbertTokenizer.load(Fixtures.v5TokenizerDir());
    private final AlbertTokenizer keepAccents = AlbertTokenizer.load(Fixtures.v5TokenizerDir(), TokenizerMode.FAST, true);
    /** The same tokenizer built from the transformers-4 directory, which has spiece.model and no tokenizer.json. */
    private final AlbertTokenizer fromModelStripAccents = AlbertTokenizer.load(Fixtures.tokenizerDir());
    private final AlbertTokenizer fromModelKeepAccents =
            AlbertTokenizer.load(Fixtures.tokenizerDir(), TokenizerMode.FAST, true);

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Fixtures.fastTokenizerCases().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> list(String key) {
        List<JsonNode> out = new ArrayList<>();
        ROOT.get(key).forEach(out::add);
        return out;
    }

    @Test
    void fileHasTheExpectedNumberOfCases() {
        JsonNode summary = ROOT.get("summary");
        for (String section : List.of("single", "pairs", "truncation", "corpus", "adversarial")) {
            assertEquals(summary.get(section).get("cases").intValue(), list(section).size(), section);
        }
        assertEquals(82, list("single").size());
        assertEquals(400, list("corpus").size());
        assertEquals(100, list("adversarial").size());
        assertEquals(6, list("truncation").stream().filter(c -> c.has("reference_error")).count());
        assertEquals(4, ROOT.get("padded_batch").get("texts").size());
    }

    @Test
    void loadsInFastModeByDefault() {
        assertEquals(TokenizerMode.FAST, stripAccents.mode());
    }

    Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String source : List.of("tokenizer.json", "spiece.model")) {
            for (String section : List.of("single", "pairs", "corpus", "adversarial")) {
                List<JsonNode> cases = list(section);
                for (int i = 0; i < cases.size(); i++) {
                    JsonNode c = cases.get(i);
                    String label = source + " " + section + " " + i
                            + (c.path("keep_accents").booleanValue() ? " keep_accents" : "")
                            + " \"" + GoldenCases.label(c.get("text").textValue()) + "\"";
                    out.add(Arguments.of(label, source, c));
                }
            }
        }
        return out.stream();
    }

    private AlbertTokenizer tokenizer(String source, boolean keep) {
        if (source.equals("tokenizer.json")) {
            return keep ? keepAccents : stripAccents;
        }
        return keep ? fromModelKeepAccents : fromModelStripAccents;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesAndDecodes(String label, String source, JsonNode c) {
        AlbertTokenizer tokenizer = tokenizer(source, c.path("keep_accents").booleanValue());
        assertEquals(TokenizerMode.FAST, tokenizer.mode());
        String text = c.get("text").textValue();
        String pair = c.hasNonNull("text_pair") ? c.get("text_pair").textValue() : null;
        Encoding encoding = tokenizer.encode(text, pair);
        assertEncoding(c, encoding, text, pair);
        int[] ids = GoldenCases.ints(c.get("input_ids"));
        assertEquals(c.get("decoded").textValue(), tokenizer.decode(ids, true), "decoded");
        assertEquals(c.get("decoded_with_special").textValue(), tokenizer.decode(ids, false), "decoded_with_special");
    }

    Stream<Arguments> truncations() {
        return Stream.of("tokenizer.json", "spiece.model").flatMap(source -> list("truncation").stream().map(c ->
                Arguments.of(source + " " + c.get("truncation").textValue() + " max_length=" + c.get("max_length").intValue()
                        + (c.has("reference_error") ? " (refused)" : ""), source, c)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncations")
    void truncates(String label, String source, JsonNode c) {
        AlbertTokenizer tokenizer = tokenizer(source, false);
        EncodeOptions options = EncodeOptions.defaults()
                .withTruncation(Truncation.valueOf(c.get("truncation").textValue().toUpperCase()))
                .withMaxLength(c.get("max_length").intValue());
        String text = c.get("text").textValue();
        String pair = c.get("text_pair").textValue();
        if (c.has("reference_error")) {
            AlbertException e = assertThrows(AlbertException.class, () -> tokenizer.encode(text, pair, options));
            assertTrue(e.getMessage().startsWith(c.get("reference_error").textValue()), e.getMessage());
            return;
        }
        Encoding encoding = tokenizer.encode(text, pair, options);
        assertEncoding(c, encoding, text, pair);
        assertEquals(options.maxLength(), encoding.length());
        int[] ids = GoldenCases.ints(c.get("input_ids"));
        assertEquals(c.get("decoded").textValue(), tokenizer.decode(ids, true), "decoded");
        assertEquals(c.get("decoded_with_special").textValue(), tokenizer.decode(ids, false), "decoded_with_special");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tokenizer.json", "spiece.model"})
    void paddedBatch(String source) {
        AlbertTokenizer tokenizer = tokenizer(source, false);
        JsonNode batch = ROOT.get("padded_batch");
        assertEquals("max_length", batch.get("padding").textValue());
        EncodeOptions options = EncodeOptions.defaults().withPadding(Padding.MAX_LENGTH)
                .withMaxLength(batch.get("max_length").intValue());
        List<String> texts = GoldenCases.strings(batch.get("texts"));
        List<Encoding> encodings = tokenizer.encodeBatch(texts, null, options);
        assertEquals(texts.size(), encodings.size());
        for (int i = 0; i < encodings.size(); i++) {
            Encoding encoding = encodings.get(i);
            assertArrayEquals(GoldenCases.ints(batch.get("input_ids").get(i)), encoding.inputIds(), "input_ids " + i);
            assertArrayEquals(GoldenCases.ints(batch.get("token_type_ids").get(i)), encoding.tokenTypeIds(),
                    "token_type_ids " + i);
            assertArrayEquals(GoldenCases.ints(batch.get("attention_mask").get(i)), encoding.attentionMask(),
                    "attention_mask " + i);
            assertOffsets(batch.get("offset_mapping").get(i), encoding, texts.get(i), null);
        }
    }

    private static void assertEncoding(JsonNode c, Encoding encoding, String text, String pair) {
        assertEquals(GoldenCases.strings(c.get("tokens")), encoding.tokens(), "tokens");
        assertArrayEquals(GoldenCases.ints(c.get("input_ids")), encoding.inputIds(), "input_ids");
        assertArrayEquals(GoldenCases.ints(c.get("token_type_ids")), encoding.tokenTypeIds(), "token_type_ids");
        assertArrayEquals(GoldenCases.ints(c.get("attention_mask")), encoding.attentionMask(), "attention_mask");
        assertOffsets(c.get("offset_mapping"), encoding, text, pair);
    }

    /** Compares offsets after converting the reference's code point offsets to UTF-16 chars. */
    static void assertOffsets(JsonNode expected, Encoding encoding, String text, String pair) {
        assertEquals(expected.size(), encoding.length(), "offset_mapping length");
        int[][] want = new int[2][expected.size()];
        for (int i = 0; i < expected.size(); i++) {
            String segment = encoding.sequenceIds()[i] == 1 ? pair : text;
            want[0][i] = utf16(segment, expected.get(i).get(0).intValue());
            want[1][i] = utf16(segment, expected.get(i).get(1).intValue());
        }
        assertArrayEquals(want[0], encoding.starts(), "offset_mapping starts (UTF-16)");
        assertArrayEquals(want[1], encoding.ends(), "offset_mapping ends (UTF-16)");
    }

    /** The UTF-16 index of code point index {@code codePoints} in {@code text}. */
    static int utf16(String text, int codePoints) {
        return text == null || codePoints == 0 ? codePoints : text.offsetByCodePoints(0, codePoints);
    }
}
