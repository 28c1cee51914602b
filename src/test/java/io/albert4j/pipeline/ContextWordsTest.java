package io.albert4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.albert4j.wire.JsonResults;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The slow QA path's word offsets, as transformers 4's {@code SquadExample} gives them in Python's
 * code-point indices. The astral rows are Hugging Face's answers from the differential harness
 * (scripts/differential.sh --mode slow --seed 18, cases question-answering-113 and -225), which
 * albert4j got one too high before: it reported the low surrogate of the last character.
 */
class ContextWordsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // context | word | expected start | expected end (code points)
        "\uD845\uDC70|0|0|0",                    // question-answering-113: a lone astral character
        "e\uC9E9x\uD835\uDF75|0|0|3",            // question-answering-225: ends with an astral character
        "\uD845\uDC70 big|0|0|1",                // the whitespace after the word is its end
        "Paris is big.|2|9|12",                  // the final character itself at the very end
        "Paris is big.|0|0|5",
    })
    void offsetsAreHuggingFacesCodePointIndices(String context, int word, int start, int end) {
        ContextWords words = new ContextWords(context);
        assertEquals(start, JsonResults.codePoints(context, words.start(word)), "start");
        assertEquals(end, JsonResults.codePoints(context, words.end(word)), "end");
    }
}
