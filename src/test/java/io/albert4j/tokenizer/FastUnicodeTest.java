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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast tokenizer normalizes and splits with the Unicode data of Hugging Face's {@code tokenizers}
 * (issue 18), not the JDK's. {@code unicode-fast-cases.json} (scripts/unicode/fast_unicode_cases.py,
 * tokenizers 0.23.2) holds the library's ids and offsets, in three contexts each, for: the 213 code
 * points where the JDK-based tokenizer disagreed (scripts/unicode/fast_sweep.py over the whole code
 * space: marks and digits of Unicode 10-13 that the JDK 17 strips or decomposes and the library's older
 * normalization tables keep); the other direction, code points of Unicode 14-15 that the JDK does not
 * know; and a seeded sample of code points where both agreed. Where the library is newer than the JDK
 * (lower case and word characters come from Rust's standard library) the table is checked directly.
 */
class FastUnicodeTest {
    private static AlbertTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = AlbertTokenizer.load(Fixtures.v5TokenizerDir());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        Golden.read(Fixtures.resource("tokenizer/unicode-fast-cases.json")).get("cases").forEach(out::add);
        assertEquals(639, out.stream().filter(c -> c.get("kind").asText().equals("jdk-differed")).count(), "jdk-differed");
        assertEquals(141, out.stream().filter(c -> c.get("kind").asText().equals("newer-than-jdk")).count(), "newer-than-jdk");
        assertEquals(900, out.stream().filter(c -> c.get("kind").asText().equals("jdk-agreed")).count(), "jdk-agreed");
        return out;
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void idsAndOffsetsEqualTheLibrarys(JsonNode c) {
        String text = c.get("text").asText();
        String what = c.get("code_point").asText() + " " + c.get("context").asText() + " (" + c.get("kind").asText() + ")";
        Encoding e = tokenizer.encode(text);
        assertArrayEquals(Golden.ints(c.get("input_ids")), e.inputIds(), what + ": ids");
        JsonNode offsets = c.get("offsets");
        int[] starts = new int[offsets.size()];
        int[] ends = new int[offsets.size()];
        for (int i = 0; i < offsets.size(); i++) {
            starts[i] = FastTokenizerGoldenTest.utf16(text, offsets.get(i).get(0).intValue());
            ends[i] = FastTokenizerGoldenTest.utf16(text, offsets.get(i).get(1).intValue());
        }
        assertArrayEquals(starts, e.starts(), what + ": starts (UTF-16)");
        assertArrayEquals(ends, e.ends(), what + ": ends (UTF-16)");
    }

    @Test
    void theTableIsTheLibrarys() {
        FastUnicode unicode = FastUnicode.get();
        assertEquals("tokenizers 0.23.2", unicode.source());
        assertArrayEquals("i\u0307".codePoints().toArray(), unicode.lower(0x130), "U+0130's lower case");
        assertNull(unicode.lower('a'));
        assertArrayEquals(new int[] {'e', 0x301}, unicode.decomposition(0xE9, false), "NFD of é");
        assertArrayEquals(new int[] {'f', 'i'}, unicode.decomposition(0xFB01, true), "NFKD of ﬁ");
        assertNull(unicode.decomposition(0xFB01, false), "ﬁ has no canonical decomposition");
        assertEquals(230, unicode.combiningClass(0x301));
        assertEquals(1, unicode.combiningClass(0x334));
        assertEquals(0, unicode.combiningClass('a'));
        assertTrue(unicode.isMark(0x301));
        assertFalse(unicode.isMark('a'));
        assertTrue(unicode.isWhitespace(0x3000));
        assertFalse(unicode.isWhitespace(0x200B), "ZERO WIDTH SPACE is not White_Space");
        assertTrue(unicode.isWordChar('_'));
        assertTrue(unicode.isWordChar('7'));
        assertFalse(unicode.isWordChar('-'));
        assertEquals(0xA0, unicode.firstDecomposed(), "NO-BREAK SPACE is the first code point NFKD changes");
        assertEquals(0x300, unicode.firstMark());
    }

    @Test
    void followsTheLibraryWhereItsTablesAreOlderThanTheJdks() {
        FastUnicode unicode = FastUnicode.get();
        assertFalse(unicode.isMark(0x07FD), "NKO DANTAYALAN (Unicode 11) is no mark for the library");
        assertNull(unicode.decomposition(0x1FBF0, true), "SEGMENTED DIGIT ZERO (Unicode 13) has no NFKD for the library");
        assertEquals(0, unicode.combiningClass(0x1DFA), "U+1DFA (Unicode 14) is a starter for the library");
    }

    @Test
    void followsTheLibraryWhereItsTablesAreNewerThanTheJdks() {
        FastUnicode unicode = FastUnicode.get();
        assertArrayEquals(new int[] {0xA7C1}, unicode.lower(0xA7C0), "LATIN CAPITAL LETTER OLD POLISH O (Unicode 14)");
        assertTrue(unicode.isWordChar(0x1E290), "TOTO LETTER PA (Unicode 14) is alphanumeric for Rust");
        assertTrue(unicode.isWordChar(0x11F04), "KAWI LETTER A (Unicode 15) is alphanumeric for Rust");
    }
}
