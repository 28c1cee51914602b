package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.albert4j.server.ServerTestSupport.await;
import static io.albert4j.server.ServerTestSupport.cliFor;
import static io.albert4j.server.ServerTestSupport.counters;
import static io.albert4j.server.ServerTestSupport.get;
import static io.albert4j.server.ServerTestSupport.post;
import static io.albert4j.server.ServerTestSupport.postAsync;
import static io.albert4j.server.ServerTestSupport.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every refusal has its status and a JSON {"error": "..."} body; user input never causes a 500. */
class ServerErrorsTest {
    static final int BODY_LIMIT = 16 * 1024;
    static AlbertServer classifier;
    static AlbertServer filler;
    static AlbertServer answerer;

    @BeforeAll
    static void start() {
        classifier = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withMaxBodyBytes(BODY_LIMIT));
        filler = ServerTestSupport.start("albert-tiny-maskedlm", o -> o.withMaxBatch(8));
        answerer = ServerTestSupport.start("albert-tiny-qa");
    }

    @AfterAll
    static void stop() {
        classifier.stop();
        filler.stop();
        answerer.stop();
    }

    @Test
    void bodyOverTheLimitIs413() {
        String body = "{\"inputs\": " + quote("x".repeat(BODY_LIMIT + 10)) + "}";
        ServerTestSupport.Reply reply = post(classifier, body);
        assertEquals(413, reply.status());
        assertTrue(reply.error().contains("exceeds the limit of " + BODY_LIMIT + " bytes"), reply.error());
        // chunked (no Content-Length): refused while reading
        ServerTestSupport.Reply chunked = ServerTestSupport.send(ServerTestSupport.CLIENT,
                ServerTestSupport.request(classifier, "/").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build());
        assertEquals(413, chunked.status());
        chunked.error();
        // far over the limit: refused from its Content-Length, before the body is read
        ServerTestSupport.Reply huge = post(classifier, "{\"inputs\": " + quote("y".repeat(40 * BODY_LIMIT)) + "}");
        assertEquals(413, huge.status());
        huge.error();
        assertEquals(200, post(classifier, "{\"inputs\": \"still serving\"}").status());
    }

    @Test
    void tooManyInputsIs413() {
        ServerTestSupport.Reply reply = post(classifier, "{\"inputs\": " + ServerTestSupport.array(
                java.util.Collections.nCopies(ServerOptions.DEFAULT_MAX_INPUTS + 1, "\"t\"")) + "}");
        assertEquals(413, reply.status());
        assertTrue(reply.error().contains("the limit is 32 (--max-inputs)"), reply.error());
        JsonNode atLimit = ServerTestSupport.ok(classifier, "{\"inputs\": " + ServerTestSupport.array(
                java.util.Collections.nCopies(ServerOptions.DEFAULT_MAX_INPUTS, "\"t\"")) + "}");
        assertEquals(ServerOptions.DEFAULT_MAX_INPUTS, atLimit.size());
    }

    @Test
    void malformedJsonIs400() {
        assertBadRequest(classifier, "{\"inputs\": \"unterminated", "malformed JSON");
        assertBadRequest(classifier, "", "empty request body");
        assertBadRequest(classifier, "[\"a list\"]", "must be a JSON object");
        assertBadRequest(classifier, "\"just a string\"", "must be a JSON object");
        assertBadRequest(classifier, "{\"inputs\": \"x\"} {\"inputs\": \"y\"}", "malformed JSON");
    }

    @Test
    void wrongFieldsAre400() {
        assertBadRequest(classifier, "{\"text\": \"no inputs\"}", "unknown parameter \"text\"");
        assertBadRequest(classifier, "{\"parameters\": {}}", "missing field \"inputs\"");
        assertBadRequest(classifier, "{\"inputs\": 5}", "\"inputs\" must be");
        assertBadRequest(classifier, "{\"inputs\": []}", "empty");
        assertBadRequest(classifier, "{\"inputs\": [\"ok\", 7]}", "\"inputs\" must be");
        assertBadRequest(classifier, "{\"inputs\": {\"txt\": \"typo\"}}", "needs a string field \"text\"");
        assertBadRequest(classifier, "{\"inputs\": \"x\", \"parameters\": {\"top_kk\": 1}}", "unknown parameter \"top_kk\"");
        assertBadRequest(classifier, "{\"inputs\": \"x\", \"parameters\": [1]}", "\"parameters\" must be a JSON object");
        assertBadRequest(classifier, "{\"inputs\": \"x\", \"parameters\": {\"top_k\": 0}}", "at least 1");
        assertBadRequest(classifier, "{\"inputs\": \"x\", \"parameters\": {\"top_k\": \"three\"}}", "must be an integer");
        assertBadRequest(classifier, "{\"inputs\": \"x\", \"parameters\": {\"top_k\": 1.5}}", "must be an integer");
        assertBadRequest(classifier, "{\"inputs\": \"x\", \"parameters\": {\"function_to_apply\": \"tanh\"}}",
                "softmax, sigmoid or none");
        assertBadRequest(filler, "{\"inputs\": \"a [MASK]\", \"parameters\": {\"targets\": 3}}", "list of strings");
        assertBadRequest(filler, "{\"inputs\": \"a [MASK]\", \"parameters\": {\"top_k\": 30000}}", "at most 1000");
        assertBadRequest(answerer, "{\"inputs\": {\"question\": \"Who?\"}}", "missing field \"context\"");
        assertBadRequest(answerer, "{\"inputs\": \"Who?\"}", "must be an object");
        assertBadRequest(answerer, "{\"question\": \"Who?\", \"context\": 3}", "\"context\" must be a string");
        assertBadRequest(answerer, "{\"inputs\": {\"question\": \"Who?\", \"context\": \"Me.\"}, \"parameters\": "
                + "{\"max_seq_len\": 4096}}", "exceeds the model's max_position_embeddings");
        assertBadRequest(answerer, "{\"inputs\": {\"question\": \"Who?\", \"context\": \"Me.\"}, \"parameters\": "
                + "{\"align_to_words\": false}}", "align_to_words");
        JsonNode counters = counters(classifier);
        assertEquals(0, counters.get("server_errors").intValue());
        assertTrue(counters.get("client_errors").intValue() >= 12);
    }

    @Test
    void inputTheModelRefusesIs400() {
        assertBadRequest(filler, "{\"inputs\": \"There is no mask here.\"}", "no [MASK] token");
        String tooLong = "word ".repeat(100) + "[MASK]";
        assertBadRequest(filler, "{\"inputs\": " + quote(tooLong) + "}", "exceeds max_position_embeddings 64");
        String longText = "this sentence repeats itself over and over again ".repeat(20);
        assertBadRequest(classifier, "{\"inputs\": " + quote(longText) + ", \"parameters\": {\"truncation\": false}}",
                "the model takes at most 64");
        assertEquals(200, post(classifier, "{\"inputs\": " + quote(longText) + ", \"parameters\": {\"truncation\": true}}")
                .status());
        assertEquals(0, counters(filler).get("server_errors").intValue());
    }

    @Test
    void unknownRouteIs404AndWrongMethodIs405() {
        ServerTestSupport.Reply missing = get(classifier, "/v1/chat/completions");
        assertEquals(404, missing.status());
        assertTrue(missing.error().contains("no route"));
        assertEquals(404, post(classifier, "/models/", "{\"inputs\": \"x\"}").status());
        assertEquals(404, get(classifier, "/healthz").status());
        ServerTestSupport.Reply getRoot = get(classifier, "/");
        assertEquals(405, getRoot.status());
        assertEquals("POST", getRoot.raw().headers().firstValue("Allow").orElse(""));
        getRoot.error();
        ServerTestSupport.Reply postHealth = post(classifier, "/health", "{}");
        assertEquals(405, postHealth.status());
        assertEquals("GET, HEAD", postHealth.raw().headers().firstValue("Allow").orElse(""));
    }

    /**
     * While the batching thread is busy with a long request, a queue of one holds one more request
     * and the next one is refused with 503 and Retry-After.
     */
    @Test
    void fullQueueIs503WithRetryAfter() {
        AlbertServer server = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withQueueSize(1).withMaxInputs(1000));
        try {
            CompletableFuture<ServerTestSupport.Reply> heavy = postAsync(server, ServerTestSupport.heavyClassificationBody(400));
            await("the long request runs", () -> counters(server).get("running").intValue() == 1);
            CompletableFuture<ServerTestSupport.Reply> queued = postAsync(server, "{\"inputs\": \"queued\"}");
            await("one request is queued", () -> counters(server).get("queued").intValue() == 1);
            ServerTestSupport.Reply refused = post(server, "{\"inputs\": \"refused\"}");
            assertEquals(503, refused.status());
            assertEquals("1", refused.raw().headers().firstValue("Retry-After").orElse(""));
            assertTrue(refused.error().contains("queue is full"), refused.error());
            assertEquals(1, counters(server).get("running").intValue(), "the long request was still running");
            assertEquals(200, heavy.join().status());
            assertEquals(400, heavy.join().json().size());
            assertEquals(200, queued.join().status());
            assertEquals(1, counters(server).get("rejected").intValue());
        } finally {
            server.stop();
        }
    }

    /** A request that fails inside a shared forward pass fails alone; the others get their answers. */
    @Test
    void failingRequestFailsAloneInABatch() {
        AlbertServer server = ServerTestSupport.start("albert-tiny-maskedlm", o -> o.withQueueSize(8).withMaxInputs(1000));
        try {
            StringBuilder heavy = new StringBuilder("{\"inputs\": [");
            for (int i = 0; i < 300; i++) {
                heavy.append(i == 0 ? "" : ",").append(quote(("[MASK] number " + i + " keeps the model busy. ").repeat(3)));
            }
            CompletableFuture<ServerTestSupport.Reply> busy = postAsync(server, heavy + "]}");
            await("the long request runs", () -> counters(server).get("running").intValue() == 1);
            String goodText = "The dog chased the [MASK].";
            CompletableFuture<ServerTestSupport.Reply> good = postAsync(server, "{\"inputs\": " + quote(goodText) + "}");
            CompletableFuture<ServerTestSupport.Reply> bad = postAsync(server, "{\"inputs\": \"No mask at all.\"}");
            await("both are queued", () -> counters(server).get("queued").intValue() == 2);
            assertEquals(1, counters(server).get("running").intValue(), "the long request was still running");
            assertEquals(200, busy.join().status());
            assertEquals(400, bad.join().status());
            assertTrue(bad.join().error().contains("no [MASK] token"));
            assertEquals(200, good.join().status());
            JsonNode expected = cliFor("albert-tiny-maskedlm", "fill-mask", goodText);
            assertEquals(expected, good.join().json(), "run alone after the batch failed, so exactly the CLI's answer");
            JsonNode counters = counters(server);
            assertEquals(1, counters.get("batch_retries").intValue());
            assertEquals(0, counters.get("server_errors").intValue());
        } finally {
            server.stop();
        }
    }

    /** Odd texts through every task: answered (200) or refused (400), never a 500. */
    @Test
    void oddTextsNeverCause500() {
        List<String> odd = List.of("", " ", "\t\n", "[MASK]", "[CLS] [SEP] [PAD] [MASK] <unk>", "\u0000 nul",
                "\ud83d\ude00 emoji", "lone \ud800 surrogate", "ÀÉÎ õ ñ ß", "日本語のテキスト", "\u200b zero width",
                "a".repeat(3000), "[MASK] ".repeat(200));
        AlbertServer tagger = ServerTestSupport.start("albert-tiny-tokcls");
        AlbertServer embedder = ServerTestSupport.start("albert-tiny-groups");
        try {
            for (String text : odd) {
                String t = quote(text);
                for (AlbertServer server : List.of(classifier, filler, tagger, embedder)) {
                    assertNot500(server, "{\"inputs\": " + t + "}");
                    assertNot500(server, "{\"inputs\": [" + t + ", \"plain [MASK] text\"]}");
                }
                assertNot500(classifier, "{\"inputs\": {\"text\": " + t + ", \"text_pair\": " + t + "}}");
                assertNot500(answerer, "{\"inputs\": {\"question\": " + t + ", \"context\": \"Some context.\"}}");
                assertNot500(answerer, "{\"inputs\": {\"question\": \"What?\", \"context\": " + t + "}}");
            }
            for (AlbertServer server : List.of(classifier, filler, tagger, embedder, answerer)) {
                assertEquals(0, counters(server).get("server_errors").intValue(), server.task());
            }
        } finally {
            tagger.stop();
            embedder.stop();
        }
    }

    private static void assertNot500(AlbertServer server, String body) {
        ServerTestSupport.Reply reply = post(server, body);
        assertTrue(reply.status() == 200 || reply.status() == 400,
                () -> server.task() + ": " + body + " → " + reply.status() + " " + reply.raw().body());
        if (reply.status() == 400) {
            reply.error();
        }
    }

    private static void assertBadRequest(AlbertServer server, String body, String messagePart) {
        ServerTestSupport.Reply reply = post(server, body);
        assertEquals(400, reply.status(), () -> body + " → " + reply.raw().body());
        assertTrue(reply.error().contains(messagePart), () -> body + " → " + reply.error() + "; expected: " + messagePart);
    }
}
