package io.albert4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.JsonAssert;
import io.albert4j.wire.JsonResults;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every entry under {@code pipelines} in the golden files, through the Java pipelines and the JSON
 * layer: same labels, tokens, words, offsets and order; scores and features within 1e-4.
 */
class PipelineGoldenTest {
    static final double TOLERANCE = 1e-4;
    private static final Map<String, Loaded> LOADED = new HashMap<>();

    record Loaded(AlbertModel model, AlbertTokenizer tokenizer) {
    }

    static Stream<Arguments> entries() {
        List<Arguments> out = Golden.pipelineEntries();
        assertEquals(33, out.size(), "golden pipeline entries");
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} #{2}")
    @MethodSource("entries")
    void matchesHuggingFacePipeline(String modelName, String task, int index) {
        JsonNode entry = Golden.model(modelName).get("pipelines").get(task).get(index);
        Loaded m = loaded(modelName);
        JsonNode actual = run(task, entry, m);
        JsonAssert.assertMatches(entry.get("output"), actual, TOLERANCE);
    }

    /** Runs one golden entry through the Java pipeline for its task. */
    static JsonNode run(String task, JsonNode entry, Loaded m) {
        JsonNode input = entry.get("input");
        return switch (task) {
            case "fill-mask" -> JsonResults.fillMask(new FillMaskPipeline(m.model, m.tokenizer,
                    FillMaskOptions.defaults().withTopK(entry.get("top_k").asInt())).run(input.asText()));
            case "text-classification" -> JsonResults.labels(new TextClassificationPipeline(m.model, m.tokenizer,
                    TextClassificationOptions.defaults().withAllLabels()).run(TextPair.of(input.asText())));
            case "text-classification-pairs" -> JsonResults.labels(new TextClassificationPipeline(m.model, m.tokenizer,
                    TextClassificationOptions.defaults().withAllLabels())
                    .run(TextPair.of(input.get("text").asText(), input.get("text_pair").asText())));
            case "question-answering" -> JsonResults.answers(input.get("context").asText(), new QuestionAnsweringPipeline(m.model, m.tokenizer,
                    qaOptions(entry.get("options"))).run(new QuestionContext(input.get("question").asText(),
                    input.get("context").asText())));
            case "token-classification" -> JsonResults.entities(input.asText(), new TokenClassificationPipeline(m.model, m.tokenizer,
                    TokenClassificationOptions.defaults().withIgnoreLabels(List.of())).run(input.asText()));
            case "feature-extraction" -> JsonResults.features(
                    new FeatureExtractionPipeline(m.model, m.tokenizer).run(input.asText()), Pooling.NONE);
            default -> throw new IllegalArgumentException("no pipeline for golden task " + task);
        };
    }

    static QuestionAnsweringOptions qaOptions(JsonNode options) {
        QuestionAnsweringOptions o = QuestionAnsweringOptions.defaults();
        if (options.has("top_k")) {
            o = o.withTopK(options.get("top_k").asInt());
        }
        if (options.has("max_answer_len")) {
            o = o.withMaxAnswerLen(options.get("max_answer_len").asInt());
        }
        if (options.has("max_seq_len")) {
            o = o.withMaxSeqLen(options.get("max_seq_len").asInt());
        }
        if (options.has("doc_stride")) {
            o = o.withDocStride(options.get("doc_stride").asInt());
        }
        return o;
    }

    static synchronized Loaded loaded(String model) {
        return LOADED.computeIfAbsent(model, name -> new Loaded(AlbertModel.load(Fixtures.modelDir(name)),
                AlbertTokenizer.load(Fixtures.modelDir(name), TokenizerMode.SLOW)));
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
