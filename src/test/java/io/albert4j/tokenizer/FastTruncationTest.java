package io.albert4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code longest_first} splits the room between a pair's sequences as tokenizers 0.23.2 does, which
 * counts a sequence longer than max_length as max_length long (it stops tokenizing there) when it
 * decides which sequence keeps the odd token: every split of two sequences of 0-9 words at every
 * max_length, and the pairs the differential harness found ({@code truncation-fast-cases.json},
 * scripts/fixtures/fast_truncation_cases.py, transformers 5.17).
 */
class FastTruncationTest {
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
        Golden.read(Fixtures.resource("tokenizer/truncation-fast-cases.json")).get("cases").forEach(out::add);
        assertEquals(904, out.size(), "truncation cases");
        return out;
    }

    @ParameterizedTest(name = "{index}: max_length {0}")
    @MethodSource("cases")
    void longestFirstKeepsWhatTheLibraryKeeps(JsonNode c) {
        EncodeOptions options = EncodeOptions.defaults().withMaxLength(c.get("max_length").intValue())
                .withTruncation(Truncation.LONGEST_FIRST);
        Encoding e = tokenizer.encode(c.get("text").asText(), c.get("text_pair").asText(), options);
        String what = c.get("text").asText() + " | " + c.get("text_pair").asText() + " @ " + c.get("max_length");
        assertArrayEquals(Golden.ints(c.get("input_ids")), e.inputIds(), what);
        assertArrayEquals(Golden.ints(c.get("token_type_ids")), e.tokenTypeIds(), what);
    }
}
