package io.albert4j.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.Aggregation;
import io.albert4j.pipeline.FeatureExtractionOptions;
import io.albert4j.pipeline.FillMaskOptions;
import io.albert4j.pipeline.FillMaskPipeline;
import io.albert4j.pipeline.MultipleChoiceInput;
import io.albert4j.pipeline.Pooling;
import io.albert4j.pipeline.QuestionAnsweringOptions;
import io.albert4j.pipeline.QuestionAnsweringPipeline;
import io.albert4j.pipeline.QuestionContext;
import io.albert4j.pipeline.ScoreFunction;
import io.albert4j.pipeline.Task;
import io.albert4j.pipeline.TextClassificationOptions;
import io.albert4j.pipeline.TextPair;
import io.albert4j.pipeline.TokenClassificationOptions;
import io.albert4j.pipeline.ZeroShotOptions;
import io.albert4j.tokenizer.AlbertTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inference API bodies read into inputs and options records, results written back in Hugging
 * Face's shapes, and every refusal naming the field, what it must be and what was found.
 */
class InferenceApiTest {
    private static InferenceRequest request(Task task, String body) {
        return InferenceApi.read(task, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fillMaskReadsInputsAndOptions() {
        ParsedRequest<String, FillMaskOptions> p = InferenceApi.fillMask(request(Task.FILL_MASK,
                "{\"inputs\": [\"a [MASK]\", \"b [MASK]\"], \"parameters\": {\"top_k\": 3, \"targets\": \"x\"}}"));
        assertEquals(List.of("a [MASK]", "b [MASK]"), p.inputs());
        assertFalse(p.single());
        assertEquals(new FillMaskOptions(3, List.of("x")), p.options());
        ParsedRequest<String, FillMaskOptions> single = InferenceApi.fillMask(request(Task.FILL_MASK,
                "{\"inputs\": \"a [MASK]\", \"top_k\": 2}"));
        assertTrue(single.single());
        assertEquals(FillMaskOptions.defaults().withTopK(2), single.options(), "top-level parameters, as newer clients send");
    }

    @Test
    void textClassificationReadsTextsPairsAndTheFunction() {
        ParsedRequest<TextPair, TextClassificationOptions> p = InferenceApi.textClassification(request(
                Task.TEXT_CLASSIFICATION, "{\"inputs\": [\"a\", {\"text\": \"b\", \"text_pair\": \"c\"}], "
                        + "\"parameters\": {\"function_to_apply\": \"SIGMOID\", \"truncation\": false}}"));
        assertEquals(List.of(TextPair.of("a"), TextPair.of("b", "c")), p.inputs());
        assertEquals(new TextClassificationOptions(TextClassificationOptions.ALL_LABELS, Optional.of(ScoreFunction.SIGMOID)),
                p.options(), "every label by default, as the Inference API");
        assertFalse(p.truncation());
    }

    @Test
    void tokenClassificationAggregatesSimpleByDefault() {
        ParsedRequest<String, TokenClassificationOptions> p = InferenceApi.tokenClassification(request(
                Task.TOKEN_CLASSIFICATION, "{\"inputs\": \"x\"}"));
        assertEquals(new TokenClassificationOptions(Aggregation.SIMPLE, List.of("O")), p.options());
        ParsedRequest<String, TokenClassificationOptions> none = InferenceApi.tokenClassification(request(
                Task.TOKEN_CLASSIFICATION, "{\"inputs\": \"x\", \"parameters\": {\"aggregation_strategy\": \"None\", "
                        + "\"ignore_labels\": []}}"));
        assertEquals(new TokenClassificationOptions(Aggregation.NONE, List.of()), none.options());
    }

    @Test
    void zeroShotSplitsOneStringOfLabels() {
        ParsedRequest<String, ZeroShotOptions> p = InferenceApi.zeroShot(request(Task.ZERO_SHOT_CLASSIFICATION,
                "{\"inputs\": \"x\", \"parameters\": {\"candidate_labels\": \"a, b,,c\", \"multi_label\": true}}"));
        assertEquals(ZeroShotOptions.of(List.of("a", "b", "c")).withMultiLabel(true), p.options());
    }

    @Test
    void questionAnsweringInBothForms() {
        QuestionAnsweringOptions expected = QuestionAnsweringOptions.defaults().withTopK(2).withDocStride(32);
        for (String body : List.of("{\"inputs\": {\"question\": \"Q?\", \"context\": \"C.\"}, \"parameters\": "
                + "{\"top_k\": 2, \"doc_stride\": 32}}", "{\"question\": \"Q?\", \"context\": \"C.\", \"top_k\": 2, "
                + "\"doc_stride\": 32}")) {
            ParsedRequest<QuestionContext, QuestionAnsweringOptions> p = InferenceApi.questionAnswering(
                    request(Task.QUESTION_ANSWERING, body));
            assertEquals(List.of(new QuestionContext("Q?", "C.")), p.inputs(), body);
            assertEquals(expected, p.options(), body);
        }
    }

    @Test
    void featureExtractionPoolingIsReadIgnoringCase() {
        for (String none : List.of("none", "NONE", "None")) {
            assertEquals(FeatureExtractionOptions.defaults(), InferenceApi.featureExtraction(request(
                    Task.FEATURE_EXTRACTION, "{\"inputs\": \"x\", \"parameters\": {\"pooling\": \"" + none + "\"}}")).options());
        }
        assertEquals(new FeatureExtractionOptions(Pooling.MEAN, true), InferenceApi.featureExtraction(request(
                Task.FEATURE_EXTRACTION, "{\"inputs\": \"x\", \"parameters\": {\"pooling\": \"Mean\", \"normalize\": true}}"))
                .options());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "FILL_MASK | {\"inputs\": \"a\", \"parameters\": {\"top_k\": \"three\"}} | parameter \"top_k\" must be an integer, found a string \"three\"",
            "FILL_MASK | {\"inputs\": \"a\", \"parameters\": {\"top_k\": 30000}} | top_k must be at most 1000, found 30000",
            "FILL_MASK | {\"inputs\": \"a\", \"parameters\": {\"top_k\": 0}} | top_k must be at least 1, found 0",
            "FILL_MASK | {\"inputs\": 5} | \"inputs\" must be a string or a non-empty list of strings, found a number 5",
            "FILL_MASK | {\"inputs\": [\"ok\", 7]} | \"inputs\" must be a string or a list of strings; found an item a number 7",
            "FILL_MASK | {\"inputs\": \"a\", \"parameters\": {\"targets\": 3}} | parameter \"targets\" must be a string or a list of strings, found a number 3",
            "FILL_MASK | {\"inputs\": \"a\", \"parameters\": {\"top_kk\": 1}} | unknown parameter \"top_kk\" for fill-mask; accepted: targets, top_k",
            "FILL_MASK | {\"parameters\": {}} | missing field \"inputs\"",
            "FILL_MASK | [1] | the request body must be a JSON object such as {\"inputs\": ...}, found a list [1]",
            "FILL_MASK | {\"inputs\": \"a\", \"parameters\": [1]} | \"parameters\" must be a JSON object, found a list [1]",
            "TEXT_CLASSIFICATION | {\"inputs\": {\"txt\": \"typo\"}} | an input object needs a string field \"text\", found an object {\"txt\":\"typo\"}",
            "TEXT_CLASSIFICATION | {\"inputs\": {\"text\": \"a\", \"text_pair\": 1}} | \"text_pair\" must be a string, found a number 1",
            "TEXT_CLASSIFICATION | {\"inputs\": \"a\", \"parameters\": {\"function_to_apply\": \"tanh\"}} | function_to_apply must be softmax, sigmoid or none, found \"tanh\"",
            "TEXT_CLASSIFICATION | {\"inputs\": \"a\", \"parameters\": {\"truncation\": \"yes\"}} | parameter \"truncation\" must be true or false, found a string \"yes\"",
            "TOKEN_CLASSIFICATION | {\"inputs\": \"a\", \"parameters\": {\"aggregation_strategy\": \"most\"}} | unknown aggregation strategy \"most\"; expected none, simple, first, average or max",
            "TOKEN_CLASSIFICATION | {\"inputs\": \"a\", \"parameters\": {\"stride\": 8}} | parameter \"stride\" is not supported",
            "QUESTION_ANSWERING | {\"inputs\": {\"question\": \"Who?\"}} | missing field \"context\"",
            "QUESTION_ANSWERING | {\"inputs\": \"Who?\"} | \"inputs\" must be an object {\"question\": ..., \"context\": ...}, found a string \"Who?\"",
            "QUESTION_ANSWERING | {\"question\": \"Who?\", \"context\": 3} | \"context\" must be a string, found a number 3",
            "QUESTION_ANSWERING | {\"inputs\": {\"question\": \" \", \"context\": \"C.\"}} | question cannot be empty",
            "QUESTION_ANSWERING | {\"inputs\": {\"question\": \"Q\", \"context\": \"C\"}, \"top_k\": 1001} | top_k must be at most 1000, found 1001",
            "ZERO_SHOT_CLASSIFICATION | {\"inputs\": \"a\"} | missing parameter \"candidate_labels\"",
            "ZERO_SHOT_CLASSIFICATION | {\"inputs\": \"a\", \"candidate_labels\": \" , \"} | parameter \"candidate_labels\" must name at least one label",
            "ZERO_SHOT_CLASSIFICATION | {\"inputs\": \"a\", \"candidate_labels\": [\"x\"], \"hypothesis_template\": \"About it.\"} | hypothesis_template must hold {} where the label goes, found \"About it.\"",
            "FEATURE_EXTRACTION | {\"inputs\": \"a\", \"parameters\": {\"pooling\": \"avg\"}} | unknown pooling \"avg\"; expected cls, mean, pooler or none",
            "FEATURE_EXTRACTION | {\"inputs\": \"a\", \"parameters\": {\"normalize\": true}} | normalize needs a pooling (cls, mean or pooler)",
            "FEATURE_EXTRACTION | {\"inputs\": \"a\", \"parameters\": {\"truncation_direction\": \"left\"}} | parameter \"truncation_direction\" must be right, found \"left\"",
    })
    void refusalsNameTheFieldAndWhatWasFound(Task task, String body, String message) {
        AlbertException e = assertThrows(AlbertException.class, () -> parse(task, body));
        assertTrue(e.getMessage().startsWith(message), () -> "expected: " + message + "\n   found: " + e.getMessage());
    }

    private static ParsedRequest<?, ?> parse(Task task, String body) {
        InferenceRequest r = request(task, body);
        return switch (task) {
            case FILL_MASK -> InferenceApi.fillMask(r);
            case TEXT_CLASSIFICATION -> InferenceApi.textClassification(r);
            case TOKEN_CLASSIFICATION -> InferenceApi.tokenClassification(r);
            case QUESTION_ANSWERING -> InferenceApi.questionAnswering(r);
            case ZERO_SHOT_CLASSIFICATION -> InferenceApi.zeroShot(r);
            case FEATURE_EXTRACTION -> InferenceApi.featureExtraction(r);
            default -> throw new IllegalArgumentException(task.taskName());
        };
    }

    @Test
    void aRequestRoundTripsThroughThePipelineToTheResponse() throws Exception {
        var dir = Fixtures.v5ModelDir("albert-tiny-maskedlm");
        try (AlbertModel model = AlbertModel.load(dir); AlbertTokenizer tokenizer = AlbertTokenizer.load(dir)) {
            FillMaskPipeline pipeline = new FillMaskPipeline(model, tokenizer);
            ParsedRequest<String, FillMaskOptions> one = InferenceApi.fillMask(request(Task.FILL_MASK,
                    "{\"inputs\": \"Paris is the [MASK] of France.\", \"parameters\": {\"top_k\": 2}}"));
            JsonNode single = InferenceApi.fillMaskResponse(one, pipeline.withOptions(one.options()).run(one.inputs()));
            assertEquals(JsonResults.fillMask(pipeline.withOptions(FillMaskOptions.defaults().withTopK(2))
                    .run("Paris is the [MASK] of France.")), single);
            assertEquals(2, single.size(), "one mask: a list of candidates");
            assertEquals(List.of("score", "token", "token_str", "sequence"), fieldNames(single.get(0)));
            ParsedRequest<String, FillMaskOptions> two = InferenceApi.fillMask(request(Task.FILL_MASK,
                    "{\"inputs\": [\"[MASK] is nice.\", \"The [MASK] sat on the [MASK].\"]}"));
            JsonNode list = InferenceApi.fillMaskResponse(two, pipeline.withOptions(two.options()).run(two.inputs()));
            assertEquals(2, list.size(), "a result per text");
            assertEquals(FillMaskOptions.DEFAULT_TOP_K, list.get(0).size());
            assertEquals(2, list.get(1).size(), "two masks: a list per mask");
        }
    }

    @Test
    void answerOffsetsAreCodePointsOfTheContext() throws Exception {
        var dir = Fixtures.v5ModelDir("albert-tiny-qa");
        try (AlbertModel model = AlbertModel.load(dir); AlbertTokenizer tokenizer = AlbertTokenizer.load(dir)) {
            ParsedRequest<QuestionContext, QuestionAnsweringOptions> p = InferenceApi.questionAnswering(request(
                    Task.QUESTION_ANSWERING, "{\"inputs\": {\"question\": \"Where?\", \"context\": \"\ud83d\ude00 I live in Berlin.\"}}"));
            var answers = new QuestionAnsweringPipeline(model, tokenizer, p.options()).run(p.inputs());
            JsonNode response = InferenceApi.questionAnsweringResponse(p, answers);
            assertEquals(List.of("score", "start", "end", "answer"), fieldNames(response), "one answer: an object");
            int start = answers.get(0).get(0).start();
            assertEquals(start - (start > 0 ? 1 : 0), response.get("start").intValue(),
                    "the emoji is one code point, two UTF-16 units");
        }
    }

    @Test
    void featuresAreTheTokenMatrixInAListOrOneVector() {
        float[][] tokens = {{1f, 2f}, {3f, 4f}};
        assertEquals("[[[1.0,2.0],[3.0,4.0]]]", JsonResults.features(tokens, Pooling.NONE).toString());
        assertEquals("[1.0,2.0]", JsonResults.features(new float[][] {{1f, 2f}}, Pooling.MEAN).toString());
    }

    @Test
    void jsonLinesInputsNameTheLine() {
        assertEquals("a", JsonLinesInput.text(JsonLinesInput.parse("\"a\"", 1), 1));
        assertEquals(TextPair.of("a", "b"), JsonLinesInput.textPair(JsonLinesInput.parse(
                "{\"text\": \"a\", \"text_pair\": \"b\"}", 2), 2));
        assertEquals(new QuestionContext("q", "c"), JsonLinesInput.questionContext(JsonLinesInput.parse(
                "{\"question\": \"q\", \"context\": \"c\"}", 3), 3));
        assertEquals(new MultipleChoiceInput("p", List.of("x", "y")), JsonLinesInput.multipleChoice(JsonLinesInput.parse(
                "{\"prompt\": \"p\", \"choices\": [\"x\", \"y\"]}", 4), 4));
        assertTrue(assertThrows(WireException.class, () -> JsonLinesInput.parse("x", 7)).getMessage()
                .startsWith("input line 7 is not JSON: Unrecognized token 'x'"));
        assertEquals("input line 8 needs a string field \"text\", found a number 3", assertThrows(WireException.class,
                () -> JsonLinesInput.text(JsonLinesInput.parse("{\"text\": 3}", 8), 8)).getMessage());
        assertEquals("input line 9 needs a string field \"context\", found none", assertThrows(WireException.class,
                () -> JsonLinesInput.questionContext(JsonLinesInput.parse("{\"question\": \"q\"}", 9), 9)).getMessage());
        assertEquals("input line 5: \"choices\" must list strings, found a number 1", assertThrows(WireException.class,
                () -> JsonLinesInput.multipleChoice(JsonLinesInput.parse("{\"prompt\": \"p\", \"choices\": [1]}", 5), 5))
                .getMessage());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
