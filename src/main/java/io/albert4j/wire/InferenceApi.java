package io.albert4j.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.albert4j.AlbertException;
import io.albert4j.pipeline.Aggregation;
import io.albert4j.pipeline.Answer;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.FeatureExtractionOptions;
import io.albert4j.pipeline.FillMaskCandidate;
import io.albert4j.pipeline.FillMaskOptions;
import io.albert4j.pipeline.LabelScore;
import io.albert4j.pipeline.Pooling;
import io.albert4j.pipeline.QuestionAnsweringOptions;
import io.albert4j.pipeline.QuestionContext;
import io.albert4j.pipeline.ScoreFunction;
import io.albert4j.pipeline.Task;
import io.albert4j.pipeline.TextClassificationOptions;
import io.albert4j.pipeline.TextPair;
import io.albert4j.pipeline.TokenClassificationOptions;
import io.albert4j.pipeline.ZeroShotOptions;
import io.albert4j.pipeline.ZeroShotResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Hugging Face's Inference API, task by task: a request body ({@code {"inputs": ..., "parameters":
 * {...}}}) read into a {@link ParsedRequest} of the pipeline's inputs and options record, and the
 * pipeline's results written as the API's response document. Parameter names and defaults are the
 * API's (text-classification returns every label, token-classification aggregates {@code simple});
 * a request naming a parameter the task does not take, or a value of the wrong kind, is refused
 * with a {@link WireException} (an {@link AlbertException} from an options record for a value out
 * of bounds) naming it.
 *
 * <p>Stateless and thread-safe.
 */
public final class InferenceApi {
    private InferenceApi() {
    }

    /** The parameters each task's requests may name. */
    public static Set<String> parameters(Task task) {
        return switch (task) {
            case FILL_MASK -> Set.of("top_k", "targets");
            case TEXT_CLASSIFICATION -> Set.of("top_k", "function_to_apply", "truncation");
            case ZERO_SHOT_CLASSIFICATION -> Set.of("candidate_labels", "multi_label", "hypothesis_template");
            case TOKEN_CLASSIFICATION -> Set.of("aggregation_strategy", "ignore_labels", "stride", "truncation");
            case QUESTION_ANSWERING -> Set.of("top_k", "max_answer_len", "max_seq_len", "doc_stride",
                    "max_question_len", "handle_impossible_answer", "align_to_words");
            case FEATURE_EXTRACTION -> Set.of("truncate", "truncation", "truncation_direction", "normalize",
                    "prompt_name", "pooling");
            case MULTIPLE_CHOICE, SENTENCE_ORDER -> throw new AlbertException(task + " is not an Inference API task");
        };
    }

    /** Top-level fields that are inputs besides {@code inputs}: question answering's older form. */
    public static Set<String> inputFields(Task task) {
        return task == Task.QUESTION_ANSWERING ? Set.of("question", "context") : Set.of();
    }

    /** Reads a body for a task: JSON syntax, the body's shape and the parameter names. */
    public static InferenceRequest read(Task task, byte[] body) {
        InferenceRequest request = InferenceRequest.parse(body, inputFields(task));
        request.requireKnownParameters(task.taskName(), parameters(task));
        return request;
    }

    /** fill-mask: {@code inputs} a text or a list of texts; {@code top_k}, {@code targets}. */
    public static ParsedRequest<String, FillMaskOptions> fillMask(InferenceRequest request) {
        Texts texts = Texts.of(request.inputs());
        List<String> targets = request.strings("targets");
        FillMaskOptions options = FillMaskOptions.defaults()
                .withTopK(request.integer("top_k", FillMaskOptions.DEFAULT_TOP_K, Integer.MIN_VALUE))
                .withTargets(targets == null ? List.of() : targets);
        return new ParsedRequest<>(texts.texts, texts.single, options, false);
    }

    /** The candidates of a text (a list per mask when there are several), a list of those for a list. */
    public static JsonNode fillMaskResponse(ParsedRequest<String, ?> request, List<List<List<FillMaskCandidate>>> results) {
        return each(request, results, JsonResults::fillMask);
    }

    /**
     * text-classification: {@code inputs} a text, a {@code {"text", "text_pair"}} object or a list of
     * either; {@code top_k} (default: every label), {@code function_to_apply}, {@code truncation}.
     */
    public static ParsedRequest<TextPair, TextClassificationOptions> textClassification(InferenceRequest request) {
        List<TextPair> inputs = new ArrayList<>();
        JsonNode node = request.inputs();
        if (node.isArray()) {
            if (node.isEmpty()) {
                throw new WireException("\"inputs\" must not be an empty list");
            }
            node.forEach(item -> inputs.add(textPair(item)));
        } else {
            inputs.add(textPair(node));
        }
        TextClassificationOptions options = TextClassificationOptions.defaults()
                .withTopK(request.integer("top_k", TextClassificationOptions.ALL_LABELS, Integer.MIN_VALUE));
        String function = request.string("function_to_apply", null);
        if (function != null) {
            options = options.withFunctionToApply(ScoreFunction.parse(function));
        }
        return new ParsedRequest<>(inputs, false, options, request.bool("truncation", true));
    }

    /** One list of {@code {"label", "score"}} per input, highest first: {@code [[...]]} for one text. */
    public static JsonNode textClassificationResponse(List<List<LabelScore>> results) {
        ArrayNode out = JsonResults.JSON.createArrayNode();
        results.forEach(r -> out.add(JsonResults.labels(r)));
        return out;
    }

    /**
     * zero-shot-classification: {@code inputs} a text or a list; {@code candidate_labels} (required:
     * a list, or one string of comma-separated labels), {@code multi_label}, {@code hypothesis_template}.
     */
    public static ParsedRequest<String, ZeroShotOptions> zeroShot(InferenceRequest request) {
        Texts texts = Texts.of(request.inputs());
        ZeroShotOptions options = ZeroShotOptions.of(candidateLabels(request))
                .withHypothesisTemplate(request.string("hypothesis_template", ZeroShotOptions.DEFAULT_HYPOTHESIS_TEMPLATE))
                .withMultiLabel(request.bool("multi_label", false));
        return new ParsedRequest<>(texts.texts, texts.single, options, true);
    }

    /** {@code {"sequence", "labels", "scores"}} for a text, a list of those for a list. */
    public static JsonNode zeroShotResponse(ParsedRequest<String, ?> request, List<ZeroShotResult> results) {
        return each(request, results, JsonResults::zeroShot);
    }

    /**
     * token-classification: {@code inputs} a text or a list; {@code aggregation_strategy} (default
     * simple, as the Inference API), {@code ignore_labels}, {@code truncation}; {@code stride} is refused.
     */
    public static ParsedRequest<String, TokenClassificationOptions> tokenClassification(InferenceRequest request) {
        Texts texts = Texts.of(request.inputs());
        List<String> ignore = request.strings("ignore_labels");
        request.unsupported("stride", "texts longer than the model's positions are truncated");
        TokenClassificationOptions options = TokenClassificationOptions.defaults()
                .withAggregationStrategy(Aggregation.parse(request.string("aggregation_strategy", "simple")))
                .withIgnoreLabels(ignore == null ? TokenClassificationOptions.DEFAULT_IGNORE_LABELS : ignore);
        return new ParsedRequest<>(texts.texts, texts.single, options, request.bool("truncation", true));
    }

    /** The entities of a text, a list of those for a list; offsets in code points. */
    public static JsonNode tokenClassificationResponse(ParsedRequest<String, ?> request, List<List<Entity>> results) {
        List<JsonNode> each = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            each.add(JsonResults.entities(request.inputs().get(i), results.get(i)));
        }
        return request.single() ? each.get(0) : JsonResults.JSON.createArrayNode().addAll(each);
    }

    /**
     * question-answering: {@code {"inputs": {"question", "context"}}} or the older top-level
     * {@code {"question", "context"}}; {@code top_k}, {@code max_answer_len}, {@code max_seq_len},
     * {@code doc_stride}, {@code max_question_len}, {@code handle_impossible_answer};
     * {@code align_to_words} only as true.
     */
    public static ParsedRequest<QuestionContext, QuestionAnsweringOptions> questionAnswering(InferenceRequest request) {
        JsonNode inputs = request.field("inputs");
        QuestionContext input;
        if (inputs != null) {
            if (request.field("question") != null || request.field("context") != null) {
                throw new WireException("send question and context either in \"inputs\" or at the top level, not both");
            }
            if (!inputs.isObject()) {
                throw new WireException("\"inputs\" must be an object {\"question\": ..., \"context\": ...}, found "
                        + InferenceRequest.describe(inputs));
            }
            inputs.fieldNames().forEachRemaining(name -> {
                if (!name.equals("question") && !name.equals("context")) {
                    throw new WireException("unknown input field \"" + name + "\"; expected question and context");
                }
            });
            input = new QuestionContext(text(inputs.get("question"), "question"), text(inputs.get("context"), "context"));
        } else {
            if (request.field("question") == null && request.field("context") == null) {
                throw new WireException("missing field \"inputs\": {\"question\": ..., \"context\": ...}");
            }
            input = new QuestionContext(text(request.field("question"), "question"),
                    text(request.field("context"), "context"));
        }
        if (!request.bool("align_to_words", true)) {
            throw new WireException("parameter \"align_to_words\" is not supported as false: answers are always "
                    + "whole words of the context");
        }
        QuestionAnsweringOptions d = QuestionAnsweringOptions.defaults();
        QuestionAnsweringOptions options = d
                .withTopK(request.integer("top_k", d.topK(), Integer.MIN_VALUE))
                .withMaxAnswerLen(request.integer("max_answer_len", d.maxAnswerLen(), Integer.MIN_VALUE))
                .withMaxSeqLen(request.integer("max_seq_len", 0, 1))
                .withDocStride(request.integer("doc_stride", 0, 1))
                .withMaxQuestionLen(request.integer("max_question_len", d.maxQuestionLen(), Integer.MIN_VALUE))
                .withHandleImpossibleAnswer(request.bool("handle_impossible_answer", false));
        return new ParsedRequest<>(List.of(input), true, options, true);
    }

    /** {@code {"score", "start", "end", "answer"}}, or a list of them when there are several. */
    public static JsonNode questionAnsweringResponse(ParsedRequest<QuestionContext, ?> request,
                                                     List<List<Answer>> results) {
        return JsonResults.answers(request.inputs().get(0).context(), results.get(0));
    }

    /**
     * feature-extraction: {@code inputs} a text or a list; {@code truncate} / {@code truncation},
     * {@code truncation_direction} (right only), and albert4j's {@code pooling} (cls, mean, pooler or
     * none) with {@code normalize}; {@code prompt_name} is refused.
     */
    public static ParsedRequest<String, FeatureExtractionOptions> featureExtraction(InferenceRequest request) {
        Texts texts = Texts.of(request.inputs());
        FeatureExtractionOptions options = FeatureExtractionOptions.defaults()
                .withPooling(Pooling.parse(request.string("pooling", "none")))
                .withNormalize(request.bool("normalize", false));
        request.unsupported("prompt_name", "this server has no prompts");
        String direction = request.string("truncation_direction", "right");
        if (!direction.equalsIgnoreCase("right")) {
            throw new WireException("parameter \"truncation_direction\" must be right, found \"" + direction + "\"");
        }
        return new ParsedRequest<>(texts.texts, texts.single, options,
                request.bool("truncate", request.bool("truncation", true)));
    }

    /** Per text its features ({@link JsonResults#features}); a list of those for a list. */
    public static JsonNode featureExtractionResponse(ParsedRequest<String, FeatureExtractionOptions> request,
                                                     List<float[][]> results) {
        return each(request, results, r -> JsonResults.features(r, request.options().pooling()));
    }

    /** One document per input; the first alone for a single input, else a list. */
    private static <O> JsonNode each(ParsedRequest<?, ?> request, List<O> results, Function<O, JsonNode> write) {
        if (request.single()) {
            return write.apply(results.get(0));
        }
        ArrayNode out = JsonResults.JSON.createArrayNode();
        results.forEach(r -> out.add(write.apply(r)));
        return out;
    }

    /** Texts of {@code inputs}: a string (single) or a non-empty list of strings. */
    private record Texts(List<String> texts, boolean single) {
        static Texts of(JsonNode inputs) {
            if (inputs.isTextual()) {
                return new Texts(List.of(inputs.textValue()), true);
            }
            if (inputs.isArray() && !inputs.isEmpty()) {
                List<String> texts = new ArrayList<>();
                for (JsonNode item : inputs) {
                    if (!item.isTextual()) {
                        throw new WireException("\"inputs\" must be a string or a list of strings; found an item "
                                + InferenceRequest.describe(item));
                    }
                    texts.add(item.textValue());
                }
                return new Texts(texts, false);
            }
            throw new WireException("\"inputs\" must be a string or a non-empty list of strings, found "
                    + InferenceRequest.describe(inputs));
        }
    }

    private static TextPair textPair(JsonNode item) {
        if (item.isTextual()) {
            return TextPair.of(item.textValue());
        }
        if (item.isObject()) {
            JsonNode text = item.get("text");
            JsonNode pair = item.get("text_pair");
            if (text == null || !text.isTextual()) {
                throw new WireException("an input object needs a string field \"text\", found "
                        + InferenceRequest.describe(item));
            }
            if (pair != null && !pair.isNull() && !pair.isTextual()) {
                throw new WireException("\"text_pair\" must be a string, found " + InferenceRequest.describe(pair));
            }
            item.fieldNames().forEachRemaining(name -> {
                if (!name.equals("text") && !name.equals("text_pair")) {
                    throw new WireException("unknown input field \"" + name + "\"; expected text and text_pair");
                }
            });
            return new TextPair(text.textValue(), pair == null || pair.isNull() ? null : pair.textValue());
        }
        throw new WireException("\"inputs\" must be a string, a {\"text\", \"text_pair\"} object or a list of "
                + "those, found " + InferenceRequest.describe(item));
    }

    private static String text(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            throw new WireException("missing field \"" + name + "\"");
        }
        if (!node.isTextual()) {
            throw new WireException("\"" + name + "\" must be a string, found " + InferenceRequest.describe(node));
        }
        return node.textValue();
    }

    /** A list, or one string split at commas (as the pipeline's argument parser), blanks dropped. */
    private static List<String> candidateLabels(InferenceRequest request) {
        List<String> labels = request.strings("candidate_labels");
        if (labels == null) {
            throw new WireException("missing parameter \"candidate_labels\"");
        }
        if (request.isString("candidate_labels")) {
            labels = Arrays.stream(labels.get(0).split(",")).map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
        if (labels.isEmpty()) {
            throw new WireException("parameter \"candidate_labels\" must name at least one label");
        }
        return labels;
    }
}
