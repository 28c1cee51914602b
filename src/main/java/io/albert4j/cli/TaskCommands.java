package io.albert4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.pipeline.Aggregation;
import io.albert4j.pipeline.Answer;
import io.albert4j.pipeline.ChoiceScore;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.FeatureExtractionOptions;
import io.albert4j.pipeline.FeatureExtractionPipeline;
import io.albert4j.pipeline.FillMaskCandidate;
import io.albert4j.pipeline.FillMaskOptions;
import io.albert4j.pipeline.FillMaskPipeline;
import io.albert4j.pipeline.LabelScore;
import io.albert4j.pipeline.MultipleChoiceInput;
import io.albert4j.pipeline.MultipleChoicePipeline;
import io.albert4j.pipeline.Pipeline;
import io.albert4j.pipeline.Pooling;
import io.albert4j.pipeline.QuestionAnsweringOptions;
import io.albert4j.pipeline.QuestionAnsweringPipeline;
import io.albert4j.pipeline.QuestionContext;
import io.albert4j.pipeline.ScoreFunction;
import io.albert4j.pipeline.SentenceOrderPipeline;
import io.albert4j.pipeline.TextClassificationOptions;
import io.albert4j.pipeline.TextClassificationPipeline;
import io.albert4j.pipeline.TextPair;
import io.albert4j.pipeline.TokenClassificationOptions;
import io.albert4j.pipeline.TokenClassificationPipeline;
import io.albert4j.pipeline.ZeroShotClassificationPipeline;
import io.albert4j.pipeline.ZeroShotOptions;
import io.albert4j.pipeline.ZeroShotResult;
import io.albert4j.wire.JsonLinesInput;
import io.albert4j.wire.JsonResults;
import io.albert4j.wire.WireException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The pipeline subcommands: fill-mask, classify, zero-shot-classification, qa, ner, embed, sop,
 * choose. Each binds its options to the task's options record ({@link FillMaskOptions}, ...), whose
 * defaults and bounds are the Java API's.
 */
final class TaskCommands {
    private TaskCommands() {
    }

    /**
     * {@code fill-mask [--top-k N] [--target T]... [--targets a,b | --targets '["a","b"]'] TEXT}: a target
     * that holds a comma is given with a repeated {@code --target} or in a JSON list.
     */
    @Command(name = "fill-mask", footer = {"", "JSON Lines: {\"text\": ...} or a JSON string per line."},
            description = "The top-k candidates for each [MASK] of TEXT (Hugging Face's fill-mask pipeline).")
    static final class FillMask extends TaskCommand<String, List<List<FillMaskCandidate>>> {
        @Option(names = "--top-k", paramLabel = "N", description = "candidates per mask, 1 to "
                + FillMaskOptions.MAX_TOP_K + " (default: " + FillMaskOptions.DEFAULT_TOP_K + ")")
        int topK = FillMaskOptions.DEFAULT_TOP_K;

        @Option(names = "--target", paramLabel = "T", description = "restrict the candidates to T (repeatable)")
        List<String> target = new ArrayList<>();

        @Option(names = "--targets", paramLabel = "a,b|JSON_LIST",
                description = "restrict the candidates to a comma-separated or JSON list of targets")
        String targets;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "a text with one or more [MASK]")
        String text;

        private FillMaskOptions options;

        String name() {
            return "fill-mask";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, text != null);
            options = FillMaskOptions.defaults().withTopK(topK).withTargets(targets(target, targets));
        }

        Pipeline<String, List<List<FillMaskCandidate>>> pipeline(LoadedModel loaded) {
            return new FillMaskPipeline(loaded.model(), loaded.tokenizer(), options);
        }

        List<String> argumentInputs() {
            return List.of(text);
        }

        String lineInput(JsonNode line, int lineNumber) {
            return JsonLinesInput.text(line, lineNumber);
        }

        JsonNode json(String input, List<List<FillMaskCandidate>> result) {
            return JsonResults.fillMask(result);
        }
    }

    /** The union of {@code --target} values and {@code --targets} (comma-separated or a JSON list). */
    static List<String> targets(List<String> target, String list) {
        List<String> targets = new ArrayList<>(target);
        if (list != null) {
            targets.addAll(list.strip().startsWith("[") ? jsonStrings(list, "--targets") : splitList(list));
        }
        return targets;
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
    static final class Classify extends TaskCommand<TextPair, List<LabelScore>> {
        @Option(names = "--pair", paramLabel = "TEXT_B", description = "the second text of a pair")
        String pair;

        @Option(names = "--top-k", paramLabel = "N|all", description = "labels to print, highest first (default: 1)")
        String topK = "1";

        @Option(names = "--function", paramLabel = "softmax|sigmoid|none", completionCandidates = Functions.class,
                description = "the score function (default: sigmoid for multi-label models or one label, else softmax)")
        String function;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "the text to classify")
        String text;

        private TextClassificationOptions options;

        String name() {
            return "classify";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, text != null);
            TextClassificationOptions o = topK.equals("all") ? TextClassificationOptions.defaults().withAllLabels()
                    : TextClassificationOptions.defaults().withTopK(integer("--top-k", topK, "an integer or all"));
            options = function == null ? o : o.withFunctionToApply(scoreFunction());
        }

        private ScoreFunction scoreFunction() {
            try {
                return ScoreFunction.parse(function);
            } catch (AlbertException e) {
                throw new CliException("--function: " + e.getMessage());
            }
        }

        Pipeline<TextPair, List<LabelScore>> pipeline(LoadedModel loaded) {
            return new TextClassificationPipeline(loaded.model(), loaded.tokenizer(), options);
        }

        List<TextPair> argumentInputs() {
            return List.of(new TextPair(text, pair));
        }

        TextPair lineInput(JsonNode line, int lineNumber) {
            return JsonLinesInput.textPair(line, lineNumber);
        }

        JsonNode json(TextPair input, List<LabelScore> result) {
            return JsonResults.labels(result);
        }
    }

    /** {@code value} as an integer, or a CliException naming the option and what it expects. */
    private static int integer(String option, String value, String expected) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new CliException(option + " expects " + expected + ", found \"" + value + "\"");
        }
    }

    /** The values the completion script offers for --function. */
    static final class Functions implements Iterable<String> {
        public Iterator<String> iterator() {
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
    static final class ZeroShot extends TaskCommand<String, ZeroShotResult> {
        @Option(names = "--candidate-labels", paramLabel = "a,b,...", required = true,
                description = "the labels, comma-separated")
        String candidateLabels;

        @Option(names = "--multi-label", description = "score each label on its own (entailment vs contradiction)")
        boolean multiLabel;

        @Option(names = "--hypothesis-template", paramLabel = "TEMPLATE",
                description = "the hypothesis, {} standing for a label (default: \""
                        + ZeroShotOptions.DEFAULT_HYPOTHESIS_TEMPLATE + "\")")
        String hypothesisTemplate = ZeroShotOptions.DEFAULT_HYPOTHESIS_TEMPLATE;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "the text to classify")
        String text;

        private ZeroShotOptions options;

        String name() {
            return "zero-shot-classification";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, text != null);
            List<String> labels = splitList(candidateLabels).stream().filter(l -> !l.isEmpty()).toList();
            if (labels.isEmpty()) {
                throw new CliException("--candidate-labels a,b,... is required (found no label)");
            }
            options = ZeroShotOptions.of(labels).withHypothesisTemplate(hypothesisTemplate).withMultiLabel(multiLabel);
        }

        Pipeline<String, ZeroShotResult> pipeline(LoadedModel loaded) {
            return new ZeroShotClassificationPipeline(loaded.model(), loaded.tokenizer(), options);
        }

        List<String> argumentInputs() {
            return List.of(text);
        }

        String lineInput(JsonNode line, int lineNumber) {
            return JsonLinesInput.text(line, lineNumber);
        }

        JsonNode json(String input, ZeroShotResult result) {
            return JsonResults.zeroShot(result);
        }
    }

    /** {@code qa --question Q --context C [options]}. */
    @Command(name = "qa", footer = {"", "JSON Lines: {\"question\": ..., \"context\": ...} per line."},
            description = "The answer spans to a question in a context (Hugging Face's question-answering pipeline).")
    static final class QuestionAnswering extends TaskCommand<QuestionContext, List<Answer>> {
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

        private QuestionAnsweringOptions options;

        String name() {
            return "qa";
        }

        void validate(boolean jsonLines) {
            if (!jsonLines && (question == null || context == null)) {
                throw new CliException("--question and --context are required (or --input FILE|- for JSON Lines)");
            }
            if (jsonLines && (question != null || context != null)) {
                throw new CliException("give either --question and --context or --input, not both");
            }
            QuestionAnsweringOptions defaults = QuestionAnsweringOptions.defaults();
            options = defaults
                    .withTopK(topK == null ? defaults.topK() : topK)
                    .withMaxAnswerLen(maxAnswerLen == null ? defaults.maxAnswerLen() : maxAnswerLen)
                    .withMaxSeqLen(maxSeqLen)
                    .withDocStride(docStride)
                    .withHandleImpossibleAnswer(handleImpossibleAnswer);
        }

        Pipeline<QuestionContext, List<Answer>> pipeline(LoadedModel loaded) {
            return new QuestionAnsweringPipeline(loaded.model(), loaded.tokenizer(), options);
        }

        List<QuestionContext> argumentInputs() {
            return List.of(new QuestionContext(question, context));
        }

        QuestionContext lineInput(JsonNode line, int lineNumber) {
            return JsonLinesInput.questionContext(line, lineNumber);
        }

        JsonNode json(QuestionContext input, List<Answer> result) {
            return JsonResults.answers(input.context(), result);
        }
    }

    /** {@code ner [--aggregation S] [--ignore-labels O,...] TEXT}. */
    @Command(name = "ner", footer = {"", "JSON Lines: {\"text\": ...} or a JSON string per line."},
            description = "The entities of TEXT (Hugging Face's token-classification pipeline).")
    static final class Ner extends TaskCommand<String, List<Entity>> {
        @Option(names = "--aggregation", paramLabel = "none|simple|first|average|max",
                completionCandidates = Aggregations.class,
                description = "how tokens group into entities (default: none)")
        String aggregation = "none";

        @Option(names = "--ignore-labels", paramLabel = "O,...",
                description = "labels to leave out, comma-separated (default: O; '' keeps all)")
        String ignoreLabels;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "the text to tag")
        String text;

        private TokenClassificationOptions options;

        String name() {
            return "ner";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, text != null);
            options = TokenClassificationOptions.defaults()
                    .withAggregationStrategy(Aggregation.parse(aggregation))
                    .withIgnoreLabels(ignoreLabels == null ? TokenClassificationOptions.DEFAULT_IGNORE_LABELS
                            : splitList(ignoreLabels));
        }

        Pipeline<String, List<Entity>> pipeline(LoadedModel loaded) {
            return new TokenClassificationPipeline(loaded.model(), loaded.tokenizer(), options);
        }

        List<String> argumentInputs() {
            return List.of(text);
        }

        String lineInput(JsonNode line, int lineNumber) {
            return JsonLinesInput.text(line, lineNumber);
        }

        JsonNode json(String input, List<Entity> result) {
            return JsonResults.entities(input, result);
        }
    }

    /** The values the completion script offers for --aggregation. */
    static final class Aggregations implements Iterable<String> {
        public Iterator<String> iterator() {
            return List.of("none", "simple", "first", "average", "max").iterator();
        }
    }

    /** {@code embed [--pooling cls|mean|pooler|none] [--normalize] TEXT...}. */
    @Command(name = "embed", footer = {"", "JSON Lines: {\"text\": ...} or a JSON string per line."},
            description = "Sentence embeddings of the TEXTs, or token features with --pooling none (Hugging Face's "
                    + "feature-extraction pipeline).")
    static final class Embed extends TaskCommand<String, float[][]> {
        @Option(names = "--pooling", paramLabel = "cls|mean|pooler|none", completionCandidates = Poolings.class,
                description = "how token vectors become one (default: mean; none prints the token vectors)")
        String pooling = "mean";

        @Option(names = "--normalize", description = "scale each embedding to unit length")
        boolean normalize;

        @Parameters(paramLabel = "TEXT", arity = "0..*", description = "the texts (one JSON array for several)")
        List<String> texts = new ArrayList<>();

        private FeatureExtractionOptions options;

        String name() {
            return "embed";
        }

        void validate(boolean jsonLines) {
            requireTextOrInput(name(), jsonLines, !texts.isEmpty());
            Pooling p = Pooling.parse(pooling);
            if (p == Pooling.NONE && normalize) {
                throw new CliException("--normalize needs a pooling (cls, mean or pooler)");
            }
            options = new FeatureExtractionOptions(p, normalize);
        }

        Pipeline<String, float[][]> pipeline(LoadedModel loaded) {
            return new FeatureExtractionPipeline(loaded.model(), loaded.tokenizer(), options);
        }

        List<String> argumentInputs() {
            return texts;
        }

        String lineInput(JsonNode line, int lineNumber) {
            return JsonLinesInput.text(line, lineNumber);
        }

        /** Per text: [[token vectors]] without pooling (Hugging Face's shape), else one vector. */
        JsonNode json(String input, float[][] result) {
            return JsonResults.features(result, options.pooling());
        }

        /** One text's result, or a JSON array of the results of several. */
        @Override
        JsonNode document(List<JsonNode> results) {
            return results.size() == 1 ? results.get(0) : JsonResults.JSON.createArrayNode().addAll(results);
        }
    }

    /** The values the completion script offers for --pooling. */
    static final class Poolings implements Iterable<String> {
        public Iterator<String> iterator() {
            return List.of("mean", "cls", "pooler", "none").iterator();
        }
    }

    /** {@code sop --pair TEXT_B TEXT}. */
    @Command(name = "sop", footer = {"", "JSON Lines: {\"text\": ..., \"text_pair\": ...} per line."},
            description = "Sentence order of TEXT then TEXT_B (an AlbertForPreTraining checkpoint's SOP head).")
    static final class SentenceOrder extends TaskCommand<TextPair, List<LabelScore>> {
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

        Pipeline<TextPair, List<LabelScore>> pipeline(LoadedModel loaded) {
            return new SentenceOrderPipeline(loaded.model(), loaded.tokenizer());
        }

        List<TextPair> argumentInputs() {
            return List.of(TextPair.of(text, pair));
        }

        TextPair lineInput(JsonNode line, int lineNumber) {
            TextPair input = JsonLinesInput.textPair(line, lineNumber);
            if (!input.isPair()) {
                throw new WireException("input line " + lineNumber + " needs a string field \"text_pair\"");
            }
            return input;
        }

        JsonNode json(TextPair input, List<LabelScore> result) {
            return JsonResults.labels(result);
        }
    }

    /** {@code choose --prompt P --choice C1 --choice C2 ...}. */
    @Command(name = "choose", footer = {"", "JSON Lines: {\"prompt\": ..., \"choices\": [...]} per line."},
            description = "Scores each choice as the continuation of the prompt (AlbertForMultipleChoice).")
    static final class Choose extends TaskCommand<MultipleChoiceInput, List<ChoiceScore>> {
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

        Pipeline<MultipleChoiceInput, List<ChoiceScore>> pipeline(LoadedModel loaded) {
            return new MultipleChoicePipeline(loaded.model(), loaded.tokenizer());
        }

        List<MultipleChoiceInput> argumentInputs() {
            return List.of(new MultipleChoiceInput(prompt, choices));
        }

        MultipleChoiceInput lineInput(JsonNode line, int lineNumber) {
            return JsonLinesInput.multipleChoice(line, lineNumber);
        }

        JsonNode json(MultipleChoiceInput input, List<ChoiceScore> result) {
            return JsonResults.choices(result);
        }
    }

    /** "a,b" → [a, b]; "" → []. */
    static List<String> splitList(String value) {
        return value.isEmpty() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
    }
}
