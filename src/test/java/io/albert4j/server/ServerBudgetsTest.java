package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.albert4j.server.ServerTestSupport.array;
import static io.albert4j.server.ServerTestSupport.counters;
import static io.albert4j.server.ServerTestSupport.ok;
import static io.albert4j.server.ServerTestSupport.post;
import static io.albert4j.server.ServerTestSupport.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each budget of {@link ServerOptions}: a request over it is a 413 naming the flag; one within is answered. */
class ServerBudgetsTest {

    private static String error413(AlbertServer server, String body, String flag) {
        ServerTestSupport.Reply reply = post(server, body);
        assertEquals(413, reply.status(), () -> reply.raw().body());
        assertTrue(reply.error().contains(flag), reply.error());
        return reply.error();
    }

    @Test
    void inputsPerRequestDefaultTo32() {
        assertEquals(32, ServerOptions.DEFAULT_MAX_INPUTS);
        try (AlbertServer server = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withMaxInputs(3))) {
            error413(server, "{\"inputs\": [\"a\", \"b\", \"c\", \"d\"]}", "the limit is 3 (--max-inputs)");
            assertEquals(3, ok(server, "{\"inputs\": [\"a\", \"b\", \"c\"]}").size());
        }
    }

    @Test
    void tokensPerRequest() {
        try (AlbertServer server = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withMaxRequestTokens(40))) {
            String sentence = quote("one two three four five six seven eight nine ten eleven twelve");
            error413(server, "{\"inputs\": [" + sentence + ", " + sentence + ", " + sentence + "]}",
                    "more than 40 tokens (the limit, --max-request-tokens)");
            assertEquals(1, ok(server, "{\"inputs\": [" + sentence + "]}").size());
        }
    }

    @Test
    void fillMaskCandidates() {
        try (AlbertServer server = ServerTestSupport.start("albert-tiny-maskedlm", o -> o.withMaxCandidates(20))) {
            String text = quote("the [MASK] sat on the [MASK].");
            error413(server, "{\"inputs\": " + text + ", \"parameters\": {\"top_k\": 11}}",
                    "22 candidates (masks × texts × top_k); the limit is 20 (--max-candidates)");
            error413(server, "{\"inputs\": [" + text + ", " + text + "], \"parameters\": {\"top_k\": 6}}", "24 candidates");
            JsonNode answer = ok(server, "{\"inputs\": " + text + ", \"parameters\": {\"top_k\": 10}}");
            assertEquals(2, answer.size());
            assertEquals(10, answer.get(0).size());
        }
    }

    /** The 479-byte request (62 masks, top_k 1000) that made a 28.7 MB answer is refused at once. */
    @Test
    void theManyMasksRequestIsRefusedByDefault() {
        try (AlbertServer server = ServerTestSupport.start("albert-tiny-maskedlm")) {
            String body = "{\"inputs\": " + quote("[MASK] ".repeat(62).trim()) + ", \"parameters\": {\"top_k\": 1000}}";
            assertTrue(body.length() < 500, body.length() + " bytes");
            error413(server, body, "62000 candidates");
        }
    }

    @Test
    void featureExtractionOutputFloats() {
        // albert-tiny-multichoice is served as feature-extraction; its hidden size is 32
        try (AlbertServer server = ServerTestSupport.start("albert-tiny-multichoice", o -> o.withMaxOutputFloats(1000))) {
            String text = quote("a sentence of about a dozen tokens for the features");
            error413(server, "{\"inputs\": [" + text + ", " + text + "]}", "the limit is 1000 (--max-output-floats)");
            JsonNode pooled = ok(server, "{\"inputs\": [" + text + ", " + text + "], \"parameters\": {\"pooling\": \"mean\"}}");
            assertEquals(2, pooled.size());
            assertEquals(1, ok(server, "{\"inputs\": \"short\"}").size());
        }
    }

    @Test
    void tokensPerForwardPassSplitABatchWithoutChangingItsAnswers() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            texts.add(quote("sentence " + i + " has a handful of words in it"));
        }
        String body = "{\"inputs\": " + array(texts) + "}";
        JsonNode expected;
        try (AlbertServer whole = ServerTestSupport.start("albert-tiny-seqcls")) {
            expected = ok(whole, body);
            assertEquals(1, counters(whole).get("forward_passes").intValue());
        }
        try (AlbertServer split = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withMaxBatchTokens(64))) {
            JsonNode answer = ok(split, body);
            assertTrue(counters(split).get("forward_passes").intValue() >= 4, counters(split).toString());
            assertClose(expected, answer);
        }
    }

    @Test
    void questionAnsweringRunsLongContextsWindowChunkByChunk() {
        String context = quote("Paris is the capital of France. ".repeat(40) + "The answer is forty-two. "
                + "Rome is the capital of Italy. ".repeat(40));
        String body = "{\"inputs\": {\"question\": \"What is the answer?\", \"context\": " + context + "}, "
                + "\"parameters\": {\"max_seq_len\": 64, \"doc_stride\": 32}}";
        JsonNode expected;
        try (AlbertServer whole = ServerTestSupport.start("albert-tiny-qa")) {
            expected = ok(whole, body);
        }
        try (AlbertServer chunked = ServerTestSupport.start("albert-tiny-qa", o -> o.withMaxBatchTokens(64))) {
            assertClose(expected, ok(chunked, body));
        }
    }

    /** The 1 MB question-answering context: refused from its tokens, at once. */
    @Test
    void aMegabyteContextIsRefusedByDefault() {
        try (AlbertServer server = ServerTestSupport.start("albert-tiny-qa")) {
            String context = quote("word ".repeat(200_000));
            long t0 = System.nanoTime();
            error413(server, "{\"inputs\": {\"question\": \"Which word?\", \"context\": " + context + "}}",
                    "--max-request-tokens");
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "refused within 10 s");
            assertEquals(0, counters(server).get("forward_passes").intValue());
        }
    }

    @Test
    void everyBudgetIsShownByInfo() {
        try (AlbertServer server = ServerTestSupport.start("albert-tiny-seqcls")) {
            JsonNode options = ServerTestSupport.get(server, "/info").json().get("options");
            for (String name : List.of("max_inputs", "max_request_tokens", "max_batch_tokens", "max_candidates",
                    "max_output_floats", "max_connections", "idle_timeout_ms", "request_timeout_ms", "max_body_bytes")) {
                assertTrue(options.path(name).isNumber(), name + " in " + options);
            }
        }
        assertEquals(Collections.nCopies(3, 0), new Job<String, String>(inputs -> inputs, List.of("a", "b", "c"), r -> null).tokens());
    }

    /** Same structure, strings and integers; numbers within 1e-5 (padding differs between the two runs). */
    private static void assertClose(JsonNode expected, JsonNode actual) {
        assertEquals(expected.getNodeType(), actual.getNodeType(), actual.toString());
        if (expected.isFloatingPointNumber()) {
            assertEquals(expected.doubleValue(), actual.doubleValue(), 1e-5, actual.toString());
        } else if (expected.isContainerNode()) {
            assertEquals(expected.size(), actual.size());
            if (expected.isArray()) {
                for (int i = 0; i < expected.size(); i++) {
                    assertClose(expected.get(i), actual.get(i));
                }
            } else {
                expected.fieldNames().forEachRemaining(f -> assertClose(expected.get(f), actual.get(f)));
            }
        } else {
            assertEquals(expected, actual);
        }
    }
}
