package io.albert4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.pipeline.Aggregation;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.FeatureExtractionPipeline;
import io.albert4j.pipeline.FillMaskPipeline;
import io.albert4j.pipeline.MultipleChoicePipeline;
import io.albert4j.pipeline.Pooling;
import io.albert4j.pipeline.QuestionAnsweringOptions;
import io.albert4j.pipeline.QuestionAnsweringPipeline;
import io.albert4j.pipeline.ScoreFunction;
import io.albert4j.pipeline.SentenceOrderPipeline;
import io.albert4j.pipeline.TextClassificationPipeline;
import io.albert4j.pipeline.TokenClassificationPipeline;
import io.albert4j.pipeline.ZeroShotClassificationPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The pipeline subcommands: fill-mask, classify, zero-shot-classification, qa, ner, embed, sop, choose. */
final class TaskCommands {
    private TaskCommands() {
    }

    /** A text and an optional second text (null when absent). */
    record TextPair(String text, String pair) {
    }

    /**
     * {@code fill-mask [--top-k N] [--target T]... [--targets a,b | --targets '["a","b"]'] TEXT}: a target
     * that holds a comma is given with a repeated {@code --target} or in a JSON list.
     */
    @Command(name = "fill-mask", footer = {"", "JSON Lines: {\"text\": ...} or a JSON string per line."},
            description = "The top-k candidates for each [MASK] of TEXT (Hugging Face's fill-mask pipeline).")
    static final class FillMask extends TaskCommand<String> {
        @Option(names = "--top-k", paramLabel = "N",
                description = "candidates per mask (default: " + FillMaskPipeline.DEFAULT_TOP_K + ")")
        int topK = FillMaskPipeline.DEFAULT_TOP_K;

        @Option(names = "--target", paramLabel = "T", description = "restrict the candidates to T (repeatable)")
        List<String> target = new ArrayList<>();

        @Option(names = "--targets", paramLabel = "a,b|JSON_LIST",
                description = "restrict the candidates to a comma-separated or JSON list of targets")
        String targets;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "a text with one or more [MASK]")
        String text;

        String name() {
            return "fill-mask";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, text != null);
        }

        Task<String> prepare(LoadedModel loaded) {
            FillMaskPipeline pipeline = new FillMaskPipeline(loaded.model(), loaded.tokenizer());
            List<String> targetList = targets(target, targets);
            return new Task<>() {
                public JsonNode single() {
                    return JsonResults.fillMask(pipeline.fill(text, topK, targetList));
                }

                public String input(JsonNode line) {
                    return field(line, "text");
                }

                public List<JsonNode> answer(List<String> texts) {
                    return pipeline.fill(texts, topK, targetList).stream().map(JsonResults::fillMask).toList();
                }
            };
        }
    }

    /** The union of {@code --target} values and {@code --targets} (comma-separated or a JSON list), or null. */
    static List<String> targets(List<String> target, String list) {
        List<String> targets = new ArrayList<>(target);
        if (list != null) {
            targets.addAll(list.strip().startsWith("[") ? jsonStrings(list, "--targets") : splitList(list));
        }
        return targets.isEmpty() && list == null ? null : targets;
    }

    private static List<String> jsonStrings(String json, String option) {
        JsonNode node;
        try {
            node = JsonResults.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CliException(option + " starts with [ but is not a JSON list: " + e.getOriginalMessage()
                    + " (give such a target with --target)");
        }
        if (!node.isArray()) {
            throw new CliException(option + " starts with [ but is not a JSON list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new CliException(option + " must list strings, found " + item);
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** {@code classify [--pair TEXT_B] [--top-k N|all] [--function softmax|sigmoid|none] TEXT}. */
    @Command(name = "classify", footer = {"", "JSON Lines: {\"text\": ..., \"text_pair\": ...} (text_pair optional) "
            + "or a JSON string per line."},
            description = "The labels of TEXT (or of the pair TEXT, TEXT_B) with their scores (Hugging Face's "
                    + "text-classification pipeline).")
    static final class Classify extends TaskCommand<TextPair> {
        @Option(names = "--pair", paramLabel = "TEXT_B", description = "the second text of a pair")
        String pair;

        @Option(names = "--top-k", paramLabel = "N|all", description = "labels to print, highest first (default: 1)")
        String topK = "1";

        @Option(names = "--function", paramLabel = "softmax|sigmoid|none", completionCandidates = Functions.class,
                description = "the score function (default: sigmoid for multi-label models or one label, else softmax)")
        String function;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "the text to classify")
        String text;

        String name() {
            return "classify";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, text != null);
            topK();
            scoreFunction();
        }

        private int topK() {
            if (topK.equals("all")) {
                return TextClassificationPipeline.ALL_LABELS;
            }
            try {
                return Integer.parseInt(topK);
            } catch (NumberFormatException e) {
                throw new CliException("--top-k expects an integer or all, found \"" + topK + "\"");
            }
        }

        private ScoreFunction scoreFunction() {
            if (function == null) {
                return null;
            }
            try {
                return ScoreFunction.valueOf(function.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CliException("--function expects softmax, sigmoid or none, found \"" + function + "\"");
            }
        }

        Task<TextPair> prepare(LoadedModel loaded) {
            TextClassificationPipeline pipeline = new TextClassificationPipeline(loaded.model(), loaded.tokenizer());
            int k = topK();
            ScoreFunction f = scoreFunction();
            return new Task<>() {
                public JsonNode single() {
                    return JsonResults.labels(pipeline.classify(text, pair, k, f));
                }

                public TextPair input(JsonNode line) {
                    return new TextPair(field(line, "text"), optionalField(line, "text_pair"));
                }

                /** Batched when every input is single or every input is a pair; else one by one. */
                public List<JsonNode> answer(List<TextPair> inputs) {
                    List<String> texts = inputs.stream().map(TextPair::text).toList();
                    List<String> pairs = inputs.stream().map(TextPair::pair).toList();
                    boolean anyPair = pairs.stream().anyMatch(Objects::nonNull);
                    if (anyPair && pairs.contains(null)) {
                        return inputs.stream().map(p -> (JsonNode) JsonResults.labels(
                                pipeline.classify(p.text(), p.pair(), k, f))).toList();
                    }
                    return pipeline.classify(texts, anyPair ? pairs : null, k, f).stream()
                            .map(r -> (JsonNode) JsonResults.labels(r)).toList();
                }
            };
        }
    }

    /** The values the completion script offers for --function. */
    static final class Functions implements Iterable<String> {
        public java.util.Iterator<String> iterator() {
            return List.of("softmax", "sigmoid", "none").iterator();
        }
    }

    /**
     * {@code zero-shot-classification --candidate-labels a,b [--multi-label] [--hypothesis-template T] TEXT}:
     * one {@code {"sequence", "labels", "scores"}} per text.
     */
    @Command(name = "zero-shot-classification", footer = {"", "JSON Lines: {\"text\": ...} or a JSON string per line."},
            description = "Scores TEXT against candidate labels with an NLI model (Hugging Face's "
                    + "zero-shot-classification pipeline).")
    static final class ZeroShot extends TaskCommand<String> {
        @Option(names = "--candidate-labels", paramLabel = "a,b,...", required = true,
                description = "the labels, comma-separated")
        String candidateLabels;

        @Option(names = "--multi-label", description = "score each label on its own (entailment vs contradiction)")
        boolean multiLabel;

        @Option(names = "--hypothesis-template", paramLabel = "TEMPLATE",
                description = "the hypothesis, {} standing for a label (default: \""
                        + ZeroShotClassificationPipeline.DEFAULT_HYPOTHESIS_TEMPLATE + "\")")
        String hypothesisTemplate = ZeroShotClassificationPipeline.DEFAULT_HYPOTHESIS_TEMPLATE;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "the text to classify")
        String text;

        String name() {
            return "zero-shot-classification";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, text != null);
            labels();
        }

        private List<String> labels() {
            List<String> labels = splitList(candidateLabels).stream().filter(l -> !l.isEmpty()).toList();
            if (labels.isEmpty()) {
                throw new CliException("--candidate-labels a,b,... is required (found no label)");
            }
            return labels;
        }

        Task<String> prepare(LoadedModel loaded) {
            ZeroShotClassificationPipeline pipeline = new ZeroShotClassificationPipeline(loaded.model(), loaded.tokenizer());
            List<String> labels = labels();
            return new Task<>() {
                public JsonNode single() {
                    return JsonResults.zeroShot(pipeline.classify(text, labels, hypothesisTemplate, multiLabel));
                }

                public String input(JsonNode line) {
                    return field(line, "text");
                }

                public List<JsonNode> answer(List<String> texts) {
                    return pipeline.classify(texts, labels, hypothesisTemplate, multiLabel).stream()
                            .map(r -> (JsonNode) JsonResults.zeroShot(r)).toList();
                }
            };
        }
    }

    /** A question about a context. */
    record QuestionContext(String question, String context) {
    }

    /** {@code qa --question Q --context C [options]}. */
    @Command(name = "qa", footer = {"", "JSON Lines: {\"question\": ..., \"context\": ...} per line."},
            description = "The answer spans to a question in a context (Hugging Face's question-answering pipeline).")
    static final class QuestionAnswering extends TaskCommand<QuestionContext> {
        @Option(names = "--question", paramLabel = "Q", description = "the question (required without --input)")
        String question;

        @Option(names = "--context", paramLabel = "C", description = "the context (required without --input)")
        String context;

        @Option(names = "--top-k", paramLabel = "N", description = "answers to print (default: 1)")
        Integer topK;

        @Option(names = "--max-answer-len", paramLabel = "N", description = "longest answer in tokens (default: 15)")
        Integer maxAnswerLen;

        @Option(names = "--max-seq-len", paramLabel = "N",
                description = "tokens per window (default: min(384, the model's positions))")
        int maxSeqLen;

        @Option(names = "--doc-stride", paramLabel = "N",
                description = "overlap of consecutive windows (default: min(max-seq-len/2, 128))")
        int docStride;

        @Option(names = "--handle-impossible-answer", description = "also score the empty answer")
        boolean handleImpossibleAnswer;

        String name() {
            return "qa";
        }

        void validate(boolean jsonLines) {
            if (!jsonLines && (question == null || context == null)) {
                throw new CliException("--question and --context are required (or --input FILE|- for JSON Lines)");
            }
            options();
        }

        private QuestionAnsweringOptions options() {
            QuestionAnsweringOptions defaults = QuestionAnsweringOptions.defaults();
            return defaults
                    .withTopK(topK == null ? defaults.topK() : topK)
                    .withMaxAnswerLen(maxAnswerLen == null ? defaults.maxAnswerLen() : maxAnswerLen)
                    .withMaxSeqLen(maxSeqLen)
                    .withDocStride(docStride)
                    .withHandleImpossibleAnswer(handleImpossibleAnswer);
        }

        Task<QuestionContext> prepare(LoadedModel loaded) {
            QuestionAnsweringPipeline pipeline = new QuestionAnsweringPipeline(loaded.model(), loaded.tokenizer());
            QuestionAnsweringOptions options = options();
            return new Task<>() {
                public JsonNode single() {
                    return JsonResults.answers(context, pipeline.answer(question, context, options));
                }

                public QuestionContext input(JsonNode line) {
                    return new QuestionContext(field(line, "question"), field(line, "context"));
                }

                public List<JsonNode> answer(List<QuestionContext> inputs) {
                    return inputs.stream().map(q -> JsonResults.answers(q.context(),
                            pipeline.answer(q.question(), q.context(), options))).toList();
                }
            };
        }
    }

    /** {@code ner [--aggregation S] [--ignore-labels O,...] TEXT}. */
    @Command(name = "ner", footer = {"", "JSON Lines: {\"text\": ...} or a JSON string per line."},
            description = "The entities of TEXT (Hugging Face's token-classification pipeline).")
    static final class Ner extends TaskCommand<String> {
        @Option(names = "--aggregation", paramLabel = "none|simple|first|average|max",
                completionCandidates = Aggregations.class,
                description = "how tokens group into entities (default: none)")
        String aggregation = "none";

        @Option(names = "--ignore-labels", paramLabel = "O,...",
                description = "labels to leave out, comma-separated (default: O; '' keeps all)")
        String ignoreLabels;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "the text to tag")
        String text;

        String name() {
            return "ner";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, text != null);
            Aggregation.parse(aggregation);
        }

        Task<String> prepare(LoadedModel loaded) {
            TokenClassificationPipeline pipeline = new TokenClassificationPipeline(loaded.model(), loaded.tokenizer());
            Aggregation strategy = Aggregation.parse(aggregation);
            List<String> ignore = ignoreLabels == null ? TokenClassificationPipeline.DEFAULT_IGNORE_LABELS
                    : splitList(ignoreLabels);
            return new Task<>() {
                public JsonNode single() {
                    return JsonResults.entities(text, pipeline.tag(text, strategy, ignore));
                }

                public String input(JsonNode line) {
                    return field(line, "text");
                }

                public List<JsonNode> answer(List<String> texts) {
                    List<List<Entity>> tagged = pipeline.tag(texts, strategy, ignore);
                    List<JsonNode> out = new ArrayList<>();
                    for (int i = 0; i < texts.size(); i++) {
                        out.add(JsonResults.entities(texts.get(i), tagged.get(i)));
                    }
                    return out;
                }
            };
        }
    }

    /** The values the completion script offers for --aggregation. */
    static final class Aggregations implements Iterable<String> {
        public java.util.Iterator<String> iterator() {
            return List.of("none", "simple", "first", "average", "max").iterator();
        }
    }

    /** {@code embed [--pooling cls|mean|pooler|none] [--normalize] TEXT...}. */
    @Command(name = "embed", footer = {"", "JSON Lines: {\"text\": ...} or a JSON string per line."},
            description = "Sentence embeddings of the TEXTs, or token features with --pooling none (Hugging Face's "
                    + "feature-extraction pipeline).")
    static final class Embed extends TaskCommand<String> {
        @Option(names = "--pooling", paramLabel = "cls|mean|pooler|none", completionCandidates = Poolings.class,
                description = "how token vectors become one (default: mean; none prints the token vectors)")
        String pooling = "mean";

        @Option(names = "--normalize", description = "scale each embedding to unit length")
        boolean normalize;

        @Parameters(paramLabel = "TEXT", arity = "0..*", description = "the texts (one JSON array for several)")
        List<String> texts = new ArrayList<>();

        String name() {
            return "embed";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, !texts.isEmpty());
            if (pooling() == null && normalize) {
                throw new CliException("--normalize needs a pooling (cls, mean or pooler)");
            }
        }

        private Pooling pooling() {
            return pooling.equals("none") ? null : Pooling.parse(pooling);
        }

        Task<String> prepare(LoadedModel loaded) {
            FeatureExtractionPipeline pipeline = new FeatureExtractionPipeline(loaded.model(), loaded.tokenizer());
            Pooling p = pooling();
            return new Task<>() {
                public JsonNode single() {
                    List<JsonNode> results = answer(texts);
                    return results.size() == 1 ? results.get(0) : JsonResults.JSON.createArrayNode().addAll(results);
                }

                public String input(JsonNode line) {
                    return field(line, "text");
                }

                /** Per text: [[token vectors]] without pooling (Hugging Face's shape), else one vector. */
                public List<JsonNode> answer(List<String> inputs) {
                    if (p == null) {
                        return inputs.stream().map(t -> (JsonNode) JsonResults.JSON.createArrayNode()
                                .add(JsonResults.matrix(pipeline.tokenFeatures(t)))).toList();
                    }
                    return pipeline.embed(inputs, p, normalize, FeatureExtractionPipeline.DEFAULT_BATCH_SIZE)
                            .stream().map(v -> (JsonNode) JsonResults.vector(v)).toList();
                }
            };
        }
    }

    /** The values the completion script offers for --pooling. */
    static final class Poolings implements Iterable<String> {
        public java.util.Iterator<String> iterator() {
            return List.of("mean", "cls", "pooler", "none").iterator();
        }
    }

    /** {@code sop --pair TEXT_B TEXT}. */
    @Command(name = "sop", footer = {"", "JSON Lines: {\"text\": ..., \"text_pair\": ...} per line."},
            description = "Sentence order of TEXT then TEXT_B (an AlbertForPreTraining checkpoint's SOP head).")
    static final class SentenceOrder extends TaskCommand<TextPair> {
        @Option(names = "--pair", paramLabel = "TEXT_B", description = "the second text (required without --input)")
        String pair;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "the first text")
        String text;

        String name() {
            return "sop";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, text != null);
            if (!jsonLines && pair == null) {
                throw new CliException("--pair TEXT_B is required");
            }
        }

        Task<TextPair> prepare(LoadedModel loaded) {
            SentenceOrderPipeline pipeline = new SentenceOrderPipeline(loaded.model(), loaded.tokenizer());
            return new Task<>() {
                public JsonNode single() {
                    return JsonResults.labels(pipeline.predict(text, pair));
                }

                public TextPair input(JsonNode line) {
                    return new TextPair(field(line, "text"), field(line, "text_pair"));
                }

                public List<JsonNode> answer(List<TextPair> inputs) {
                    return pipeline.predict(inputs.stream().map(TextPair::text).toList(),
                                    inputs.stream().map(TextPair::pair).toList())
                            .stream().map(r -> (JsonNode) JsonResults.labels(r)).toList();
                }
            };
        }
    }

    /** A prompt and its candidate continuations. */
    record PromptChoices(String prompt, List<String> choices) {
    }

    /** {@code choose --prompt P --choice C1 --choice C2 ...}. */
    @Command(name = "choose", footer = {"", "JSON Lines: {\"prompt\": ..., \"choices\": [...]} per line."},
            description = "Scores each choice as the continuation of the prompt (AlbertForMultipleChoice).")
    static final class Choose extends TaskCommand<PromptChoices> {
        @Option(names = "--prompt", paramLabel = "P", description = "the prompt (required without --input)")
        String prompt;

        @Option(names = "--choice", paramLabel = "C", description = "a choice (repeat for each)")
        List<String> choices = new ArrayList<>();

        String name() {
            return "choose";
        }

        void validate(boolean jsonLines) {
            if (!jsonLines && prompt == null) {
                throw new CliException("--prompt is required (or --input FILE|- for JSON Lines)");
            }
        }

        Task<PromptChoices> prepare(LoadedModel loaded) {
            MultipleChoicePipeline pipeline = new MultipleChoicePipeline(loaded.model(), loaded.tokenizer());
            return new Task<>() {
                public JsonNode single() {
                    return JsonResults.choices(pipeline.choose(prompt, choices));
                }

                public PromptChoices input(JsonNode line) {
                    return new PromptChoices(field(line, "prompt"), strings(line.get("choices")));
                }

                public List<JsonNode> answer(List<PromptChoices> inputs) {
                    return inputs.stream().map(c -> (JsonNode) JsonResults.choices(
                            pipeline.choose(c.prompt(), c.choices()))).toList();
                }
            };
        }

        private static List<String> strings(JsonNode array) {
            if (array == null || !array.isArray()) {
                throw new AlbertException("the line needs a \"choices\" list of strings");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode n : array) {
                if (!n.isTextual()) {
                    throw new AlbertException("\"choices\" must list strings, found " + n);
                }
                out.add(n.textValue());
            }
            return out;
        }
    }

    /** "a,b" → [a, b]; "" → []. */
    static List<String> splitList(String value) {
        return value.isEmpty() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
    }
}
