package io.albert4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slow tokenizer normalizes with Python's Unicode data, not the JDK's (issue 18): code points whose
 * data changed after Unicode 13 (combining marks that Hugging Face drops, modifier letters it maps to
 * letters), each alone, between letters and inside a sentence, give the reference's ids
 * ({@code unicode-slow-cases.json}, written by scripts/unicode/slow_unicode_cases.py with transformers'
 * slow AlbertTokenizer on Python 3.11).
 */
class SlowUnicodeTest {
    private static AlbertTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = AlbertTokenizer.load(Fixtures.tokenizerDir(), TokenizerMode.SLOW);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        Golden.read(Fixtures.resource("tokenizer/unicode-slow-cases.json")).get("cases").forEach(out::add);
        assertEquals(141, out.size(), "unicode cases");
        return out;
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void idsEqualTheReference(JsonNode c) {
        int[] expected = Golden.ints(c.get("input_ids"));
        assertArrayEquals(expected, tokenizer.encode(c.get("text").asText()).inputIds(), c.get("code_point").asText());
    }

    @Test
    void theTableIsPythonsUnicode14() {
        assertTrue(PythonUnicode.get().version().endsWith("Unicode 14.0.0"), PythonUnicode.get().version());
        assertEquals("C", PythonUnicode.get().nfkdWithoutMarks(0xA7F2), "MODIFIER LETTER CAPITAL C (Unicode 14)");
        assertEquals("i\u0307", PythonUnicode.get().lower(0x130), "Python's full lower case of U+0130");
        assertEquals("", PythonUnicode.get().nfkdWithoutMarks(0x0898), "a combining mark new in Unicode 14 is dropped");
    }
}
