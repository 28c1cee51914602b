package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.JsonAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.IntStream;

import static io.albert4j.server.ServerTestSupport.get;
import static io.albert4j.server.ServerTestSupport.ok;
import static io.albert4j.server.ServerTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * zero-shot-classification over HTTP on the NLI checkpoint, with the Inference API payload
 * ({@code {"inputs": ..., "parameters": {"candidate_labels", "multi_label", "hypothesis_template"}}}):
 * every golden entry answered as transformers 5.17's pipeline answers it, lists of texts, labels
 * as one comma-separated string, and the 400s for requests it cannot honour.
 */
class ZeroShotServerTest {
    static final double TOLERANCE = 1e-4;
    private static AlbertServer server;

    @BeforeAll
    static void start() {
        server = AlbertServer.start(ServerOptions.defaults(Fixtures.v5ModelDir("albert-tiny-seqcls-nli"))
                .withHost("127.0.0.1").withPort(0));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static JsonNode golden() {
        return Golden.v5("albert-tiny-seqcls-nli").get("pipelines").get("zero-shot-classification");
    }

    static IntStream entries() {
        return IntStream.range(0, golden().size());
    }

    @ParameterizedTest(name = "zero-shot-classification #{0}")
    @MethodSource("entries")
    void answersAsTransformers5(int index) {
        JsonNode entry = golden().get(index);
        ObjectNode body = Golden.JSON.createObjectNode();
        body.set("inputs", entry.get("input"));
        body.set("parameters", entry.get("options"));
        JsonAssert.assertMatches(entry.get("output"), ok(server, body.toString()), TOLERANCE);
    }

    @Test
    void servesTheZeroShotTask() {
        assertEquals("zero-shot-classification", server.task());
        assertEquals("zero-shot-classification", get(server, "/info").json().get("task").asText());
    }

    @Test
    void aListOfTextsGivesOneAnswerEach() {
        JsonNode first = golden().get(0);
        JsonNode second = golden().get(10);
        assertEquals(first.get("options"), second.get("options"), "two texts asked with the same options");
        ObjectNode body = Golden.JSON.createObjectNode();
        body.putArray("inputs").add(first.get("input")).add(second.get("input"));
        body.set("parameters", first.get("options"));
        JsonNode answer = ok(server, body.toString());
        assertEquals(2, answer.size());
        JsonAssert.assertMatches(first.get("output"), answer.get(0), TOLERANCE);
        JsonAssert.assertMatches(second.get("output"), answer.get(1), TOLERANCE);
    }

    @Test
    void labelsMayBeOneCommaSeparatedString() {
        JsonNode entry = golden().get(0);
        String labels = String.join(", ", Golden.JSON.convertValue(entry.get("options").get("candidate_labels"),
                String[].class));
        JsonNode answer = ok(server, "{\"inputs\": " + entry.get("input") + ", \"parameters\": {\"candidate_labels\": "
                + Golden.JSON.valueToTree(labels) + "}}");
        JsonAssert.assertMatches(entry.get("output"), answer, TOLERANCE);
    }

    @Test
    void withoutCandidateLabelsItIsTextClassification() {
        JsonNode answer = ok(server, "{\"inputs\": {\"text\": \"A man eats.\", \"text_pair\": \"Someone eats.\"}}");
        assertEquals(3, answer.get(0).size(), "every NLI label, as text-classification answers");
    }

    @Test
    void unusableRequestsAre400() {
        assertTrue(post(server, "{\"inputs\": \"x\", \"parameters\": {\"multi_label\": true}}").error()
                .contains("candidate_labels"));
        assertTrue(post(server, "{\"inputs\": \"x\", \"parameters\": {\"candidate_labels\": [\"a\"], "
                + "\"hypothesis_template\": \"no slot\"}}").error().contains("{}"));
        assertTrue(post(server, "{\"inputs\": \"x\", \"parameters\": {\"candidate_labels\": []}}").error()
                .contains("candidate_labels"));
        assertTrue(post(server, "{\"inputs\": \"x\", \"parameters\": {\"candidate_labels\": [\"a\"], \"top_k\": 1}}")
                .error().contains("top_k"));
        assertEquals(400, post(server, "{\"inputs\": \"x\", \"parameters\": {\"candidate_labels\": [\"a\"], "
                + "\"multi_label\": \"yes\"}}").status());
    }
}
