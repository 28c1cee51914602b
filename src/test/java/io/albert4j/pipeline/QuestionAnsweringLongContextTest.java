package io.albert4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.wire.JsonResults;
import io.albert4j.tokenizer.Encoding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fast-mode question answering on long contexts with small max_seq_len / doc_stride, where
 * {@code tokenizers} 0.23.2 (the v5 goldens' version) tokenizes the context only until max_seq_len
 * tokens exist, whole split by split, added tokens never stopping it: the max_seq_len-th token
 * falls inside a word ({@code stain'd}), on {@code ."} and on {@code <unk>} written in the text; one
 * question is one unknown character (U+10F85) and two normalize to no tokens (U+0301, U+200B); the
 * reference answers them all.
 * Reference: {@code fixtures/qa-long-context/fast.json}, written by
 * scripts/fixtures/qa_long_context_cases.py with transformers 4.57.6's pipeline on tokenizers 0.23.2.
 */
class QuestionAnsweringLongContextTest {
    static final double TOLERANCE = 1e-4;

    static Stream<Arguments> cases() {
        JsonNode file = Golden.read(Fixtures.resource("qa-long-context/fast.json"));
        List<Arguments> out = new ArrayList<>();
        int i = 0;
        for (JsonNode c : file.get("cases")) {
            out.add(Arguments.of(i++, c));
        }
        assertEquals(23, out.size(), "long-context QA cases");
        return out.stream();
    }

    @ParameterizedTest(name = "#{0}")
    @MethodSource("cases")
    void spansEqualTheReference(int index, JsonNode c) {
        PipelineGoldenV5Test.Loaded m = PipelineGoldenV5Test.loaded("albert-tiny-qa", "question-answering");
        JsonNode options = c.get("options");
        List<Encoding> spans = QuestionSpans.of(m.tokenizer(), c.get("input").get("question").asText(),
                c.get("input").get("context").asText(), options.get("max_seq_len").asInt(),
                options.get("doc_stride").asInt());
        JsonNode expected = c.get("spans");
        assertEquals(expected.size(), spans.size(), "number of spans");
        for (int s = 0; s < spans.size(); s++) {
            int[] ids = new int[expected.get(s).size()];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = expected.get(s).get(t).asInt();
            }
            assertEquals(Arrays.toString(ids), Arrays.toString(spans.get(s).inputIds()), "input_ids of span " + s);
        }
    }

    @ParameterizedTest(name = "#{0}")
    @MethodSource("cases")
    void answersEqualTheReference(int index, JsonNode c) {
        JsonNode actual = PipelineGoldenV5Test.run("question-answering", c.get("input"), c.get("options"),
                PipelineGoldenV5Test.loaded("albert-tiny-qa", "question-answering"));
        List<JsonNode> answers = new ArrayList<>();
        (actual.isArray() ? actual : JsonResults.JSON.createArrayNode().add(actual)).forEach(answers::add);
        JsonNode expected = c.get("output");
        assertEquals(expected.size(), answers.size(), () -> "answers: " + answers);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = expected.get(i);
            JsonNode a = answers.get(i);
            for (String field : List.of("answer", "start", "end")) {
                assertEquals(e.get(field), a.get(field), field + " of answer " + i + ": " + answers);
            }
            assertTrue(Math.abs(e.get("score").asDouble() - a.get("score").asDouble()) <= TOLERANCE,
                    "score of answer " + i + ": " + answers);
        }
    }
}
