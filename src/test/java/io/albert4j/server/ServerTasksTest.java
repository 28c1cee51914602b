package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.JsonAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.albert4j.server.ServerTestSupport.array;
import static io.albert4j.server.ServerTestSupport.cliFor;
import static io.albert4j.server.ServerTestSupport.get;
import static io.albert4j.server.ServerTestSupport.ok;
import static io.albert4j.server.ServerTestSupport.post;
import static io.albert4j.server.ServerTestSupport.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each task over HTTP, in the Inference API's wire shapes, against the CLI's answer for the same
 * input. A request with one input runs alone, so its answer must equal the CLI's exactly; several
 * inputs of one request share a padded forward pass, so theirs are compared within 1e-5.
 */
class ServerTasksTest {
    /** Padded batches change float32 sums in the last bits. */
    static final double BATCH_TOLERANCE = 1e-5;
    private static final Map<String, AlbertServer> SERVERS = new HashMap<>();

    static synchronized AlbertServer server(String fixture) {
        return SERVERS.computeIfAbsent(fixture, ServerTestSupport::start);
    }

    @AfterAll
    static void stopAll() {
        SERVERS.values().forEach(AlbertServer::stop);
    }

    // ---- fill-mask ----

    @Test
    void fillMaskMatchesCli() {
        String text = "The capital of France is [MASK].";
        JsonNode answer = ok(server("albert-tiny-maskedlm"), "{\"inputs\": " + quote(text) + "}");
        assertEquals(cliFor("albert-tiny-maskedlm", "fill-mask", text), answer);
        assertEquals(5, answer.size(), "top_k defaults to 5");
        for (JsonNode candidate : answer) {
            assertEquals(List.of("score", "token", "token_str", "sequence"), fieldNames(candidate));
        }
    }

    @Test
    void fillMaskParametersMatchCli() {
        String text = "Paris is the [MASK] of France.";
        JsonNode answer = ok(server("albert-tiny-maskedlm"), "{\"inputs\": " + quote(text)
                + ", \"parameters\": {\"top_k\": 2, \"targets\": [\"capital\", \"city\", \"heart\"]}}");
        assertEquals(cliFor("albert-tiny-maskedlm", "fill-mask", "--top-k", "2", "--targets", "capital,city,heart", text),
                answer);
        assertEquals(2, answer.size());
    }

    @Test
    void fillMaskTopLevelParametersAsNewerClientsSendThem() {
        String text = "Paris is the [MASK] of France.";
        JsonNode answer = ok(server("albert-tiny-maskedlm"), "{\"inputs\": " + quote(text) + ", \"top_k\": 3}");
        assertEquals(cliFor("albert-tiny-maskedlm", "fill-mask", "--top-k", "3", text), answer);
    }

    @Test
    void fillMaskSeveralMasksAnswerAListPerMask() {
        String text = "The [MASK] sat on the [MASK].";
        JsonNode answer = ok(server("albert-tiny-maskedlm"), "{\"inputs\": " + quote(text) + ", \"parameters\": {\"top_k\": 3}}");
        assertEquals(cliFor("albert-tiny-maskedlm", "fill-mask", "--top-k", "3", text), answer);
        assertEquals(2, answer.size());
        assertTrue(answer.get(0).isArray() && answer.get(1).isArray());
    }

    @Test
    void fillMaskListOfTextsAnswersEach() {
        List<String> texts = List.of("Hello [MASK].", "The weather is [MASK] today.");
        JsonNode answer = ok(server("albert-tiny-maskedlm"),
                "{\"inputs\": " + array(texts.stream().map(ServerTestSupport::quote).toList()) + "}");
        assertEquals(2, answer.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonAssert.assertMatches(cliFor("albert-tiny-maskedlm", "fill-mask", texts.get(i)), answer.get(i),
                    BATCH_TOLERANCE);
        }
    }

    @Test
    void preTrainingCheckpointIsServedAsFillMask() {
        AlbertServer server = server("albert-tiny-pretraining");
        assertEquals("fill-mask", server.task());
        String text = "I like [MASK] very much.";
        assertEquals(cliFor("albert-tiny-pretraining", "fill-mask", text), ok(server, "{\"inputs\": " + quote(text) + "}"));
        assertEquals("AlbertForPreTraining", get(server, "/info").json().get("architecture").textValue());
    }

    // ---- text-classification ----

    @Test
    void textClassificationAnswersEveryLabelInAListPerInput() {
        String text = "What a wonderful day.";
        JsonNode answer = ok(server("albert-tiny-seqcls"), "{\"inputs\": " + quote(text) + "}");
        JsonNode cli = cliFor("albert-tiny-seqcls", "classify", "--top-k", "all", text);
        assertEquals(wrap(cli), answer, "[[{label, score}, ...]] for a single text");
        assertEquals(3, answer.get(0).size(), "every label unless top_k");
        assertEquals(List.of("label", "score"), fieldNames(answer.get(0).get(0)));
        assertTrue(answer.get(0).get(0).get("score").doubleValue() >= answer.get(0).get(1).get("score").doubleValue());
    }

    @Test
    void textClassificationPairAndParametersMatchCli() {
        JsonNode answer = ok(server("albert-tiny-seqcls"), "{\"inputs\": {\"text\": \"The food was cold.\", "
                + "\"text_pair\": \"I did not like it.\"}, \"parameters\": {\"top_k\": 2, \"function_to_apply\": \"sigmoid\"}}");
        assertEquals(wrap(cliFor("albert-tiny-seqcls", "classify", "--pair", "I did not like it.", "--top-k", "2",
                "--function", "sigmoid", "The food was cold.")), answer);
        assertEquals(2, answer.get(0).size());
    }

    @Test
    void textClassificationListAnswersEachInput() {
        JsonNode answer = ok(server("albert-tiny-seqcls"), "{\"inputs\": [\"Great service.\", "
                + "{\"text\": \"Slow.\", \"text_pair\": \"Rude staff.\"}, \"Fine.\"], \"parameters\": {\"top_k\": 1}}");
        assertEquals(3, answer.size());
        JsonAssert.assertMatches(cliFor("albert-tiny-seqcls", "classify", "Great service."), answer.get(0), BATCH_TOLERANCE);
        JsonAssert.assertMatches(cliFor("albert-tiny-seqcls", "classify", "--pair", "Rude staff.", "Slow."), answer.get(1),
                BATCH_TOLERANCE);
        JsonAssert.assertMatches(cliFor("albert-tiny-seqcls", "classify", "Fine."), answer.get(2), BATCH_TOLERANCE);
    }

    @Test
    void textClassificationTruncatesLongInputsByDefault() {
        String text = "this sentence repeats itself over and over again ".repeat(20);
        JsonNode answer = ok(server("albert-tiny-seqcls"), "{\"inputs\": " + quote(text) + "}");
        assertEquals(wrap(cliFor("albert-tiny-seqcls", "classify", "--top-k", "all", text)), answer);
    }

    @Test
    void modelsRouteAnswersLikeTheRoot() {
        AlbertServer server = server("albert-tiny-seqcls");
        String body = "{\"inputs\": \"Nice.\"}";
        JsonNode root = ok(server, body);
        for (String path : List.of("/models/albert-tiny-seqcls", "/models/textattack/albert-base-v2-imdb")) {
            ServerTestSupport.Reply reply = post(server, path, body);
            assertEquals(200, reply.status(), path);
            assertEquals(root, reply.json(), path);
        }
    }

    // ---- question-answering ----

    @Test
    void questionAnsweringMatchesCliInBothRequestForms() {
        AlbertServer server = server("albert-tiny-qa");
        String question = "Where does John live?";
        String context = "John lives in Paris. Maria lives in Berlin and works in Munich.";
        JsonNode cli = cliFor("albert-tiny-qa", "qa", "--question", question, "--context", context);
        JsonNode nested = ok(server, "{\"inputs\": {\"question\": " + quote(question) + ", \"context\": " + quote(context) + "}}");
        JsonNode topLevel = ok(server, "{\"question\": " + quote(question) + ", \"context\": " + quote(context) + "}");
        assertEquals(cli, nested);
        assertEquals(cli, topLevel);
        assertEquals(List.of("score", "start", "end", "answer"), fieldNames(nested));
        assertTrue(context.contains(nested.get("answer").textValue()));
    }

    @Test
    void questionAnsweringTopKAnswersAList() {
        String question = "Who lives in Berlin?";
        String context = "John lives in Paris. Maria lives in Berlin and works in Munich.";
        JsonNode answer = ok(server("albert-tiny-qa"), "{\"inputs\": {\"question\": " + quote(question) + ", \"context\": "
                + quote(context) + "}, \"parameters\": {\"top_k\": 3, \"max_answer_len\": 5, \"handle_impossible_answer\": true}}");
        assertEquals(cliFor("albert-tiny-qa", "qa", "--question", question, "--context", context, "--top-k", "3",
                "--max-answer-len", "5", "--handle-impossible-answer"), answer);
        assertTrue(answer.isArray());
        assertEquals(3, answer.size());
    }

    @Test
    void questionAnsweringLongContextUsesWindowsLikeCli() {
        String question = "What does the river reach?";
        String context = "The river winds through green valleys and old towns before it reaches the sea. ".repeat(12);
        String body = "{\"inputs\": {\"question\": " + quote(question) + ", \"context\": " + quote(context) + "}";
        assertEquals(cliFor("albert-tiny-qa", "qa", "--question", question, "--context", context),
                ok(server("albert-tiny-qa"), body + "}"), "max_seq_len defaults to min(384, positions) = 128");
        assertEquals(cliFor("albert-tiny-qa", "qa", "--question", question, "--context", context, "--max-seq-len", "64",
                "--doc-stride", "32"), ok(server("albert-tiny-qa"), body + ", \"parameters\": {\"max_seq_len\": 64, "
                + "\"doc_stride\": 32}}"));
    }

    // ---- token-classification ----

    @Test
    void tokenClassificationDefaultsToSimpleAggregation() {
        String text = "John Smith flew from Paris to New York with Maria.";
        AlbertServer server = server("albert-tiny-tokcls");
        assertEquals(cliFor("albert-tiny-tokcls", "ner", "--aggregation", "simple", text),
                ok(server, "{\"inputs\": " + quote(text) + "}"));
        JsonNode all = ok(server, "{\"inputs\": " + quote(text) + ", \"parameters\": {\"ignore_labels\": []}}");
        assertEquals(cliFor("albert-tiny-tokcls", "ner", "--aggregation", "simple", "--ignore-labels", "", text), all);
        assertFalse(all.isEmpty(), "with nothing ignored every token belongs to a group");
        for (JsonNode entity : all) {
            assertEquals(List.of("entity_group", "score", "word", "start", "end"), fieldNames(entity));
        }
    }

    @Test
    void tokenClassificationOtherStrategiesAndListsMatchCli() {
        List<String> texts = List.of("Angela Merkel visited Washington.", "Berlin is big.");
        AlbertServer server = server("albert-tiny-tokcls");
        JsonNode none = ok(server, "{\"inputs\": " + quote(texts.get(0))
                + ", \"parameters\": {\"aggregation_strategy\": \"none\", \"ignore_labels\": []}}");
        assertEquals(cliFor("albert-tiny-tokcls", "ner", "--aggregation", "none", "--ignore-labels", "", texts.get(0)), none);
        assertTrue(none.get(0).has("entity") && none.get(0).has("index"));
        JsonNode list = ok(server, "{\"inputs\": " + array(texts.stream().map(ServerTestSupport::quote).toList())
                + ", \"parameters\": {\"aggregation_strategy\": \"max\", \"ignore_labels\": [\"O\", \"B-PER\"]}}");
        assertEquals(2, list.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonAssert.assertMatches(cliFor("albert-tiny-tokcls", "ner", "--aggregation", "max", "--ignore-labels", "O,B-PER",
                    texts.get(i)), list.get(i), BATCH_TOLERANCE);
        }
    }

    // ---- feature-extraction ----

    @Test
    void featureExtractionAnswersTokenVectorsLikeCli() {
        String text = "Feature vectors for every token.";
        JsonNode answer = ok(server("albert-tiny-groups"), "{\"inputs\": " + quote(text) + "}");
        assertEquals(cliFor("albert-tiny-groups", "embed", "--pooling", "none", text), answer);
        assertEquals(1, answer.size(), "[1, seq, hidden] as Hugging Face's pipeline");
        assertTrue(answer.get(0).size() > 2);
        assertEquals(48, answer.get(0).get(0).size(), "hidden size");
    }

    @Test
    void featureExtractionListAndPooling() {
        List<String> texts = List.of("A short one.", "A somewhat longer sentence than the first one.");
        AlbertServer server = server("albert-tiny-groups");
        JsonNode list = ok(server, "{\"inputs\": " + array(texts.stream().map(ServerTestSupport::quote).toList()) + "}");
        assertEquals(2, list.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonAssert.assertMatches(cliFor("albert-tiny-groups", "embed", "--pooling", "none", texts.get(i)), list.get(i),
                    BATCH_TOLERANCE);
        }
        assertTrue(list.get(1).get(0).size() > list.get(0).get(0).size(), "each text keeps its own length");
        JsonNode pooled = ok(server, "{\"inputs\": " + quote(texts.get(1))
                + ", \"parameters\": {\"pooling\": \"mean\", \"normalize\": true}}");
        assertEquals(cliFor("albert-tiny-groups", "embed", "--pooling", "mean", "--normalize", texts.get(1)), pooled);
    }

    // ---- health and info ----

    @Test
    void healthAndInfo() {
        AlbertServer server = server("albert-tiny-seqcls");
        ServerTestSupport.Reply health = get(server, "/health");
        assertEquals(200, health.status());
        assertEquals("ok", health.json().get("status").textValue());
        ok(server, "{\"inputs\": \"Counting this one.\"}");
        JsonNode info = get(server, "/info").json();
        assertEquals("text-classification", info.get("task").textValue());
        assertEquals("AlbertForSequenceClassification", info.get("architecture").textValue());
        assertEquals(Fixtures.modelDir("albert-tiny-seqcls").toString(), info.get("model_dir").textValue());
        assertEquals(64, info.get("config").get("max_position_embeddings").intValue());
        assertEquals(48, info.get("config").get("hidden_size").intValue());
        assertEquals(List.of("negative", "neutral", "positive"),
                List.of(info.get("config").get("labels").get(0).textValue(), info.get("config").get("labels").get(1).textValue(),
                        info.get("config").get("labels").get(2).textValue()));
        assertFalse(info.get("library").get("version").textValue().isEmpty());
        assertEquals(32, info.get("options").get("max_batch").intValue());
        JsonNode counters = info.get("counters");
        assertTrue(counters.get("requests").longValue() >= 1);
        assertTrue(counters.get("forward_passes").longValue() >= 1);
        assertTrue(counters.get("mean_batch_size").doubleValue() >= 1.0);
    }

    @Test
    void eachArchitectureIsServedAsItsTask() {
        Map<String, String> tasks = Map.of("albert-tiny-maskedlm", "fill-mask", "albert-tiny-pretraining", "fill-mask",
                "albert-tiny-seqcls", "text-classification", "albert-tiny-qa", "question-answering",
                "albert-tiny-tokcls", "token-classification", "albert-tiny-groups", "feature-extraction");
        tasks.forEach((fixture, task) -> {
            JsonNode info = get(server(fixture), "/info").json();
            assertEquals(task, info.get("task").textValue(), fixture);
            boolean labelled = task.equals("text-classification") || task.equals("token-classification");
            assertEquals(labelled, info.get("config").has("labels"), fixture + " lists labels only for classifiers");
        });
        assertEquals(5, get(server("albert-tiny-tokcls"), "/info").json().get("config").get("labels").size());
    }

    private static JsonNode wrap(JsonNode list) {
        return io.albert4j.wire.JsonResults.JSON.createArrayNode().add(list);
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
