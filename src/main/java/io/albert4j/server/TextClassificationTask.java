package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.albert4j.cli.JsonResults;
import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.LabelScore;
import io.albert4j.pipeline.ScoreFunction;
import io.albert4j.pipeline.TextClassificationPipeline;
import io.albert4j.tokenizer.AlbertTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * text-classification: {@code inputs} is a text, a {@code {"text": ..., "text_pair": ...}} object or a
 * list of either; parameters {@code top_k} (default: every label), {@code function_to_apply}
 * (softmax, sigmoid or none; default from the config) and {@code truncation} (default true). The
 * answer is one list of {@code {"label", "score"}}, highest first, per input: {@code [[...]]} for a
 * single text, as the Inference API.
 */
final class TextClassificationTask extends ServedTask {
    private final TextClassificationPipeline pipeline;

    TextClassificationTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new TextClassificationPipeline(model, tokenizer);
    }

    @Override
    String name() {
        return "text-classification";
    }

    @Override
    Set<String> parameters() {
        return Set.of("top_k", "function_to_apply", "truncation");
    }

    /** One input: a text and its optional pair. */
    record TextPair(String text, String pair) {
    }

    @Override
    Job job(Request request) {
        List<Object> inputs = new ArrayList<>();
        JsonNode node = request.inputs();
        if (node.isArray()) {
            if (node.isEmpty()) {
                throw HttpError.badRequest("\"inputs\" must not be an empty list");
            }
            node.forEach(item -> inputs.add(textPair(item)));
        } else {
            inputs.add(textPair(node));
        }
        int topK = request.integer("top_k", TextClassificationPipeline.ALL_LABELS, 1);
        ScoreFunction function = scoreFunction(request.string("function_to_apply", null));
        boolean truncation = request.bool("truncation", true);
        List<Integer> tokens = requestTokens(inputs.stream().map(i -> new String[]{((TextPair) i).text, ((TextPair) i).pair})
                .toList(), truncation);
        inputs.forEach(i -> requireFits(truncation, ((TextPair) i).text, ((TextPair) i).pair));
        return new Job(new Classify(pipeline, topK, function), inputs, results -> {
            ArrayNode out = JsonResults.JSON.createArrayNode();
            results.forEach(r -> out.add(JsonResults.labels(labels(r))));
            return out;
        }).withTokens(tokens);
    }

    private static TextPair textPair(JsonNode item) {
        if (item.isTextual()) {
            return new TextPair(item.textValue(), null);
        }
        if (item.isObject()) {
            JsonNode text = item.get("text");
            JsonNode pair = item.get("text_pair");
            if (text == null || !text.isTextual()) {
                throw HttpError.badRequest("an input object needs a string field \"text\", found " + Request.describe(item));
            }
            if (pair != null && !pair.isNull() && !pair.isTextual()) {
                throw HttpError.badRequest("\"text_pair\" must be a string, found " + Request.describe(pair));
            }
            item.fieldNames().forEachRemaining(name -> {
                if (!name.equals("text") && !name.equals("text_pair")) {
                    throw HttpError.badRequest("unknown input field \"" + name + "\"; expected text and text_pair");
                }
            });
            return new TextPair(text.textValue(), pair == null || pair.isNull() ? null : pair.textValue());
        }
        throw HttpError.badRequest("\"inputs\" must be a string, a {\"text\", \"text_pair\"} object or a list of "
                + "those, found " + Request.describe(item));
    }

    private static ScoreFunction scoreFunction(String name) {
        if (name == null) {
            return null;
        }
        try {
            return ScoreFunction.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("parameter \"function_to_apply\" must be softmax, sigmoid or none, found \""
                    + name + "\"");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<LabelScore> labels(Object result) {
        return (List<LabelScore>) result;
    }

    private record Classify(TextClassificationPipeline pipeline, int topK, ScoreFunction function) implements Runner {
        @Override
        public List<?> run(List<Object> inputs) {
            List<String> texts = inputs.stream().map(i -> ((TextPair) i).text).toList();
            List<String> pairs = inputs.stream().map(i -> ((TextPair) i).pair).toList();
            boolean anyPair = pairs.stream().anyMatch(Objects::nonNull);
            return pipeline.classify(texts, anyPair ? new ArrayList<>(pairs) : null, topK, function);
        }
    }
}
