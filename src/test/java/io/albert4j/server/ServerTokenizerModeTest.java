package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.JsonAssert;
import io.albert4j.tokenizer.TokenizerMode;
import org.junit.jupiter.api.Test;

import static io.albert4j.server.ServerTestSupport.ok;

/**
 * The server answers with transformers' fast-tokenizer pipeline outputs by default (the v5 goldens)
 * and with the transformers 4.39 slow-tokenizer ones when started in {@link TokenizerMode#SLOW}.
 */
class ServerTokenizerModeTest {
    static final double TOLERANCE = 1e-4;

    @Test
    void defaultServerAnswersAsTransformers5() {
        JsonNode entry = Golden.v5("albert-tiny-qa").get("pipelines").get("question-answering").get(1);
        AlbertServer server = AlbertServer.start(ServerOptions.defaults(Fixtures.v5ModelDir("albert-tiny-qa"))
                .withHost("127.0.0.1").withPort(0));
        try {
            JsonAssert.assertMatches(entry.get("output"), ok(server, body(entry)), TOLERANCE);
        } finally {
            server.stop();
        }
    }

    @Test
    void slowServerAnswersAsTransformers4() {
        JsonNode entry = Golden.model("albert-tiny-qa").get("pipelines").get("question-answering").get(1);
        AlbertServer server = AlbertServer.start(ServerOptions.defaults(Fixtures.modelDir("albert-tiny-qa"))
                .withHost("127.0.0.1").withPort(0).withTokenizerMode(TokenizerMode.SLOW));
        try {
            JsonAssert.assertMatches(entry.get("output"), ok(server, body(entry)), TOLERANCE);
        } finally {
            server.stop();
        }
    }

    private static String body(JsonNode entry) {
        ObjectNode body = Golden.JSON.createObjectNode();
        body.set("inputs", entry.get("input"));
        body.set("parameters", entry.get("options"));
        return body.toString();
    }
}
