package io.albert4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.JsonAssert;
import io.albert4j.wire.JsonResults;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.Encoding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every entry under {@code pipelines} of the transformers 5.17 golden files ({@code v5/golden}), run
 * on the transformers-5 checkpoints through the Java pipelines and the JSON layer, with each
 * entry's options: labels, token strings, words, answers and offsets exactly, scores within 1e-4.
 * The question-answering spans are checked token by token against {@code question-answering-windows}.
 */
class PipelineGoldenV5Test {
    static final double TOLERANCE = 1e-4;
    private static final Map<String, Loaded> LOADED = new HashMap<>();

    record Loaded(AlbertModel model, AlbertTokenizer tokenizer) {
    }

    static Stream<Arguments> entries() {
        return Golden.v5PipelineEntries().stream();
    }

    @Test
    void everyGoldenEntryIsCovered() {
        assertEquals(Golden.V5_PIPELINE_ENTRIES, entries().count(), "v5 golden pipeline entries");
    }

    @ParameterizedTest(name = "{0} {1} #{2}")
    @MethodSource("entries")
    void matchesTransformers5Pipeline(String modelName, String task, int index) {
        JsonNode entry = golden(modelName).get("pipelines").get(task).get(index);
        JsonAssert.assertMatches(entry.get("output"), run(task, entry.get("input"), entry.get("options"),
                loaded(modelName, task)), TOLERANCE);
    }

    static Stream<Arguments> windows() {
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < golden("albert-tiny-qa").get("pipelines").get("question-answering-windows").size(); i++) {
            out.add(Arguments.of(i));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "question-answering-windows #{0}")
    @MethodSource("windows")
    void questionAnsweringSpansAreTheReferenceSpans(int index) {
        JsonNode entry = golden("albert-tiny-qa").get("pipelines").get("question-answering-windows").get(index);
        Loaded m = loaded("albert-tiny-qa", "question-answering");
        String question = entry.get("input").get("question").asText();
        String context = entry.get("input").get("context").asText();
        List<Encoding> spans = QuestionSpans.of(m.tokenizer, question, context,
                entry.get("options").get("max_seq_len").asInt(), entry.get("options").get("doc_stride").asInt());
        JsonNode expected = entry.get("windows");
        assertEquals(expected.size(), spans.size(), "number of spans");
        for (int w = 0; w < spans.size(); w++) {
            Encoding span = spans.get(w);
            JsonNode want = expected.get(w);
            String at = "span " + w;
            assertArrayEquals(Golden.ints(want.get("input_ids")), span.inputIds(), at + " input_ids");
            assertArrayEquals(Golden.ints(want.get("token_type_ids")), span.tokenTypeIds(), at + " token_type_ids");
            for (int i = 0; i < span.length(); i++) {
                JsonNode sequence = want.get("sequence_ids").get(i);
                assertEquals(sequence.isNull() ? -1 : sequence.asInt(), span.sequenceIds()[i], at + " sequence_ids " + i);
                String text = span.sequenceIds()[i] == 0 ? question : context;
                assertEquals(want.get("offset_mapping").get(i).get(0).asInt(),
                        JsonResults.codePoints(text, span.starts()[i]), at + " offset start " + i);
                assertEquals(want.get("offset_mapping").get(i).get(1).asInt(),
                        JsonResults.codePoints(text, span.ends()[i]), at + " offset end " + i);
            }
            var out = m.model.forward(Batch.of(List.of(span), m.tokenizer.padId()));
            Golden.assertClose(Golden.flatten(want.get("start_logits")), out.startLogits().dup('c').data().asDouble(),
                    TOLERANCE, at + " start_logits");
            Golden.assertClose(Golden.flatten(want.get("end_logits")), out.endLogits().dup('c').data().asDouble(),
                    TOLERANCE, at + " end_logits");
        }
    }

    /** Runs one golden entry through the Java pipeline for its task, with the entry's options. */
    static JsonNode run(String task, JsonNode input, JsonNode options, Loaded m) {
        return switch (task) {
            case "fill-mask" -> JsonResults.fillMask(new FillMaskPipeline(m.model, m.tokenizer, FillMaskOptions.defaults()
                    .withTopK(options.path("top_k").asInt(FillMaskOptions.DEFAULT_TOP_K))
                    .withTargets(orEmpty(strings(options.get("targets"))))).run(input.asText()));
            case "text-classification" -> JsonResults.labels(new TextClassificationPipeline(m.model, m.tokenizer,
                    classification(options)).run(TextPair.of(input.asText())));
            case "text-classification-pairs" -> JsonResults.labels(new TextClassificationPipeline(m.model, m.tokenizer,
                    classification(options)).run(TextPair.of(input.get("text").asText(), input.get("text_pair").asText())));
            case "token-classification" -> JsonResults.entities(input.asText(),
                    new TokenClassificationPipeline(m.model, m.tokenizer, TokenClassificationOptions.defaults()
                            .withAggregationStrategy(Aggregation.parse(options.path("aggregation_strategy").asText("none")))
                            .withIgnoreLabels(options.has("ignore_labels") ? strings(options.get("ignore_labels"))
                                    : TokenClassificationOptions.DEFAULT_IGNORE_LABELS)).run(input.asText()));
            case "question-answering" -> JsonResults.answers(input.get("context").asText(),
                    new QuestionAnsweringPipeline(m.model, m.tokenizer, PipelineGoldenTest.qaOptions(options)
                            .withHandleImpossibleAnswer(options.path("handle_impossible_answer").asBoolean()))
                            .run(new QuestionContext(input.get("question").asText(), input.get("context").asText())));
            case "feature-extraction" -> JsonResults.features(
                    new FeatureExtractionPipeline(m.model, m.tokenizer).run(input.asText()), Pooling.NONE);
            case "zero-shot-classification" -> JsonResults.zeroShot(new ZeroShotClassificationPipeline(m.model,
                    m.tokenizer, ZeroShotOptions.of(strings(options.get("candidate_labels")))
                    .withHypothesisTemplate(options.has("hypothesis_template")
                            ? options.get("hypothesis_template").asText() : ZeroShotOptions.DEFAULT_HYPOTHESIS_TEMPLATE)
                    .withMultiLabel(options.path("multi_label").asBoolean())).run(input.asText()));
            default -> throw new IllegalArgumentException("no pipeline for golden task " + task);
        };
    }

    /**
     * top_k absent: the top label only (the pipeline's legacy default); null: every label;
     * function_to_apply absent: the config's default.
     */
    private static TextClassificationOptions classification(JsonNode options) {
        TextClassificationOptions out = TextClassificationOptions.defaults();
        if (options.has("top_k")) {
            out = options.get("top_k").isNull() ? out.withAllLabels() : out.withTopK(options.get("top_k").asInt());
        }
        return options.has("function_to_apply")
                ? out.withFunctionToApply(ScoreFunction.parse(options.get("function_to_apply").asText())) : out;
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }

    private static List<String> strings(JsonNode array) {
        if (array == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static JsonNode golden(String model) {
        return Golden.v5(model);
    }

    /** feature-extraction loads the bare AlbertModel of a checkpoint, as transformers' AutoModel does. */
    static synchronized Loaded loaded(String model, String task) {
        String key = model + (task.equals("feature-extraction") ? "/base" : "");
        return LOADED.computeIfAbsent(key, k -> {
            var dir = Fixtures.v5ModelDir(model);
            AlbertModel m = task.equals("feature-extraction") ? AlbertModel.load(dir, Architecture.ALBERT_MODEL)
                    : AlbertModel.load(dir);
            return new Loaded(m, AlbertTokenizer.load(dir));
        });
    }

    @AfterAll
    static void close() {
        LOADED.values().forEach(l -> {
            l.model.close();
            l.tokenizer.close();
        });
        LOADED.clear();
    }
}
