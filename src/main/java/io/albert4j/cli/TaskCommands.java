package io.albert4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.pipeline.Aggregation;
import io.albert4j.pipeline.Answer;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.FeatureExtractionOptions;
import io.albert4j.pipeline.FeatureExtractionPipeline;
import io.albert4j.pipeline.FillMaskOptions;
import io.albert4j.pipeline.FillMaskPipeline;
import io.albert4j.pipeline.MultipleChoiceInput;
import io.albert4j.pipeline.MultipleChoicePipeline;
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
import io.albert4j.wire.JsonResults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The pipeline subcommands: fill-mask, classify, zero-shot-classification, qa, ner, embed, sop, choose. */
final class TaskCommands {
    private TaskCommands() {
    }

    /**
     * {@code fill-mask [--top-k N] [--target T]... [--targets a,b | --targets '["a","b"]'] TEXT}: a target
     * that holds a comma is given with a repeated {@code --target} or in a JSON list.
     */
    static final class FillMask extends TaskCommand {
        public String name() {
            return "fill-mask";
        }

        public String usage() {
            return "[--model DIR|ID] [--top-k N] [--target T]... [--targets a,b|JSON_LIST] [--input FILE|-] TEXT";
        }

        Set<String> taskOptions() {
            return Set.of("--top-k", "--targets", "--target");
        }

        Task prepare(LoadedModel loaded, CliArgs args) {
            List<String> targets = targets(args);
            FillMaskOptions options = FillMaskOptions.defaults()
                    .withTopK(args.intValue("--top-k", FillMaskOptions.DEFAULT_TOP_K))
                    .withTargets(targets == null ? List.of() : targets);
            FillMaskPipeline pipeline = new FillMaskPipeline(loaded.model(), loaded.tokenizer(), options);
            return new Task() {
                public JsonNode single(CliArgs a) {
                    return JsonResults.fillMask(pipeline.run(a.text()));
                }

                public List<JsonNode> lines(List<JsonNode> inputs) {
                    List<String> texts = inputs.stream().map(l -> field(l, "text")).toList();
                    return pipeline.run(texts).stream().map(JsonResults::fillMask).toList();
                }
            };
        }
    }

    /** The union of {@code --target} values and {@code --targets} (comma-separated or a JSON list), or null. */
    static List<String> targets(CliArgs args) {
        List<String> targets = new ArrayList<>(args.values("--target"));
        String list = args.value("--targets");
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
    static final class Classify extends TaskCommand {
        public String name() {
            return "classify";
        }

        public String usage() {
            return "[--model DIR|ID] [--pair TEXT_B] [--top-k N|all] [--function softmax|sigmoid|none] [--input FILE|-] TEXT";
        }

        Set<String> taskOptions() {
            return Set.of("--pair", "--top-k", "--function");
        }

        Task prepare(LoadedModel loaded, CliArgs args) {
            String topKOption = args.value("--top-k", "1");
            TextClassificationOptions options = TextClassificationOptions.defaults().withTopK(topKOption.equals("all")
                    ? TextClassificationOptions.ALL_LABELS : args.intValue("--top-k", 1));
            if (args.value("--function") != null) {
                options = options.withFunctionToApply(scoreFunction(args.value("--function")));
            }
            TextClassificationPipeline pipeline = new TextClassificationPipeline(loaded.model(), loaded.tokenizer(),
                    options);
            return new Task() {
                public JsonNode single(CliArgs a) {
                    String pair = a.value("--pair");
                    return JsonResults.labels(pipeline.run(new TextPair(a.text(), pair)));
                }

                public List<JsonNode> lines(List<JsonNode> inputs) {
                    List<TextPair> pairs = inputs.stream()
                            .map(l -> new TextPair(field(l, "text"), optionalField(l, "text_pair"))).toList();
                    return pipeline.run(pairs).stream().map(r -> (JsonNode) JsonResults.labels(r)).toList();
                }
            };
        }

        private static ScoreFunction scoreFunction(String name) {
            try {
                return ScoreFunction.parse(name);
            } catch (AlbertException e) {
                throw new CliException("classify: --function expects softmax, sigmoid or none, found \"" + name + "\"");
            }
        }
    }

    /**
     * {@code zero-shot-classification --candidate-labels a,b [--multi-label] [--hypothesis-template T] TEXT}:
     * one {@code {"sequence", "labels", "scores"}} per text.
     */
    static final class ZeroShot extends TaskCommand {
        public String name() {
            return "zero-shot-classification";
        }

        public String usage() {
            return "[--model DIR] --candidate-labels a,b,... [--multi-label] [--hypothesis-template \"This example is {}.\"] "
                    + "[--input FILE|-] TEXT";
        }

        Set<String> taskOptions() {
            return Set.of("--candidate-labels", "--hypothesis-template");
        }

        @Override
        public Set<String> flags() {
            return Set.of("--multi-label");
        }

        Task prepare(LoadedModel loaded, CliArgs args) {
            String labelsOption = args.value("--candidate-labels");
            if (labelsOption == null || splitList(labelsOption).stream().allMatch(String::isEmpty)) {
                throw new CliException("zero-shot-classification: --candidate-labels a,b,... is required");
            }
            List<String> labels = splitList(labelsOption).stream().filter(l -> !l.isEmpty()).toList();
            ZeroShotClassificationPipeline pipeline = new ZeroShotClassificationPipeline(loaded.model(),
                    loaded.tokenizer(), ZeroShotOptions.of(labels)
                    .withHypothesisTemplate(args.value("--hypothesis-template", ZeroShotOptions.DEFAULT_HYPOTHESIS_TEMPLATE))
                    .withMultiLabel(args.flag("--multi-label")));
            return new Task() {
                public JsonNode single(CliArgs a) {
                    return JsonResults.zeroShot(pipeline.run(a.text()));
                }

                public List<JsonNode> lines(List<JsonNode> inputs) {
                    List<String> texts = inputs.stream().map(l -> field(l, "text")).toList();
                    return pipeline.run(texts).stream().map(r -> (JsonNode) JsonResults.zeroShot(r)).toList();
                }
            };
        }
    }

    /** {@code qa --question Q --context C [options]}. */
    static final class QuestionAnswering extends TaskCommand {
        public String name() {
            return "qa";
        }

        public String usage() {
            return "[--model DIR|ID] --question Q --context C [--top-k N] [--max-answer-len N] [--max-seq-len N] "
                    + "[--doc-stride N] [--handle-impossible-answer] [--input FILE|-]";
        }

        Set<String> taskOptions() {
            return Set.of("--question", "--context", "--top-k", "--max-answer-len", "--max-seq-len", "--doc-stride");
        }

        @Override
        public Set<String> flags() {
            return Set.of("--handle-impossible-answer");
        }

        Task prepare(LoadedModel loaded, CliArgs args) {
            QuestionAnsweringOptions defaults = QuestionAnsweringOptions.defaults();
            QuestionAnsweringOptions options = defaults
                    .withTopK(args.intValue("--top-k", defaults.topK()))
                    .withMaxAnswerLen(args.intValue("--max-answer-len", defaults.maxAnswerLen()))
                    .withMaxSeqLen(args.intValue("--max-seq-len", 0))
                    .withDocStride(args.intValue("--doc-stride", 0))
                    .withHandleImpossibleAnswer(args.flag("--handle-impossible-answer"));
            QuestionAnsweringPipeline pipeline = new QuestionAnsweringPipeline(loaded.model(), loaded.tokenizer(), options);
            return new Task() {
                public JsonNode single(CliArgs a) {
                    if (a.value("--question") == null || a.value("--context") == null) {
                        throw new CliException("qa: --question and --context are required");
                    }
                    return JsonResults.answers(a.value("--context"),
                            pipeline.run(new QuestionContext(a.value("--question"), a.value("--context"))));
                }

                public List<JsonNode> lines(List<JsonNode> inputs) {
                    List<QuestionContext> questions = inputs.stream()
                            .map(l -> new QuestionContext(field(l, "question"), field(l, "context"))).toList();
                    List<List<Answer>> answers = pipeline.run(questions);
                    List<JsonNode> out = new ArrayList<>();
                    for (int i = 0; i < questions.size(); i++) {
                        out.add(JsonResults.answers(questions.get(i).context(), answers.get(i)));
                    }
                    return out;
                }
            };
        }
    }

    /** {@code ner [--aggregation S] [--ignore-labels O,...] TEXT}. */
    static final class Ner extends TaskCommand {
        public String name() {
            return "ner";
        }

        public String usage() {
            return "[--model DIR|ID] [--aggregation none|simple|first|average|max] [--ignore-labels O,...] [--input FILE|-] TEXT";
        }

        Set<String> taskOptions() {
            return Set.of("--aggregation", "--ignore-labels");
        }

        Task prepare(LoadedModel loaded, CliArgs args) {
            String ignore = args.value("--ignore-labels");
            TokenClassificationOptions options = TokenClassificationOptions.defaults()
                    .withAggregationStrategy(Aggregation.parse(args.value("--aggregation", "none")))
                    .withIgnoreLabels(ignore == null ? TokenClassificationOptions.DEFAULT_IGNORE_LABELS : splitList(ignore));
            TokenClassificationPipeline pipeline = new TokenClassificationPipeline(loaded.model(), loaded.tokenizer(),
                    options);
            return new Task() {
                public JsonNode single(CliArgs a) {
                    return JsonResults.entities(a.text(), pipeline.run(a.text()));
                }

                public List<JsonNode> lines(List<JsonNode> inputs) {
                    List<String> texts = inputs.stream().map(l -> field(l, "text")).toList();
                    List<List<Entity>> tagged = pipeline.run(texts);
                    List<JsonNode> out = new ArrayList<>();
                    for (int i = 0; i < texts.size(); i++) {
                        out.add(JsonResults.entities(texts.get(i), tagged.get(i)));
                    }
                    return out;
                }
            };
        }
    }

    /** {@code embed [--pooling cls|mean|pooler|none] [--normalize] TEXT...}. */
    static final class Embed extends TaskCommand {
        public String name() {
            return "embed";
        }

        public String usage() {
            return "[--model DIR|ID] [--pooling cls|mean|pooler|none] [--normalize] [--input FILE|-] TEXT...";
        }

        Set<String> taskOptions() {
            return Set.of("--pooling");
        }

        @Override
        public Set<String> flags() {
            return Set.of("--normalize");
        }

        Task prepare(LoadedModel loaded, CliArgs args) {
            Pooling pooling = Pooling.parse(args.value("--pooling", "mean"));
            boolean normalize = args.flag("--normalize");
            if (pooling == Pooling.NONE && normalize) {
                throw new CliException("embed: --normalize needs a pooling (cls, mean or pooler)");
            }
            FeatureExtractionPipeline pipeline = new FeatureExtractionPipeline(loaded.model(), loaded.tokenizer(),
                    new FeatureExtractionOptions(pooling, normalize));
            return new Task() {
                public JsonNode single(CliArgs a) {
                    if (a.positional().isEmpty()) {
                        throw new CliException("embed: expected at least one TEXT argument");
                    }
                    List<JsonNode> results = embed(a.positional());
                    return results.size() == 1 ? results.get(0) : JsonResults.JSON.createArrayNode().addAll(results);
                }

                public List<JsonNode> lines(List<JsonNode> inputs) {
                    return embed(inputs.stream().map(l -> field(l, "text")).toList());
                }

                /** Per text: [[token vectors]] without pooling (Hugging Face's shape), else one vector. */
                private List<JsonNode> embed(List<String> texts) {
                    if (pooling == Pooling.NONE) {
                        return texts.stream().map(t -> (JsonNode) JsonResults.features(pipeline.run(t), pooling)).toList();
                    }
                    return pipeline.embed(texts, FeatureExtractionPipeline.DEFAULT_BATCH_SIZE)
                            .stream().map(v -> (JsonNode) JsonResults.vector(v)).toList();
                }
            };
        }
    }

    /** {@code sop --pair TEXT_B TEXT}. */
    static final class SentenceOrder extends TaskCommand {
        public String name() {
            return "sop";
        }

        public String usage() {
            return "[--model DIR|ID] --pair TEXT_B [--input FILE|-] TEXT";
        }

        Set<String> taskOptions() {
            return Set.of("--pair");
        }

        Task prepare(LoadedModel loaded, CliArgs args) {
            SentenceOrderPipeline pipeline = new SentenceOrderPipeline(loaded.model(), loaded.tokenizer());
            return new Task() {
                public JsonNode single(CliArgs a) {
                    if (a.value("--pair") == null) {
                        throw new CliException("sop: --pair TEXT_B is required");
                    }
                    return JsonResults.labels(pipeline.run(TextPair.of(a.text(), a.value("--pair"))));
                }

                public List<JsonNode> lines(List<JsonNode> inputs) {
                    return pipeline.run(inputs.stream().map(l -> TextPair.of(field(l, "text"), field(l, "text_pair")))
                            .toList()).stream().map(r -> (JsonNode) JsonResults.labels(r)).toList();
                }
            };
        }
    }

    /** {@code choose --prompt P --choice C1 --choice C2 ...}. */
    static final class Choose extends TaskCommand {
        public String name() {
            return "choose";
        }

        public String usage() {
            return "[--model DIR|ID] --prompt P --choice C1 --choice C2 ... [--input FILE|-]";
        }

        Set<String> taskOptions() {
            return Set.of("--prompt", "--choice");
        }

        Task prepare(LoadedModel loaded, CliArgs args) {
            MultipleChoicePipeline pipeline = new MultipleChoicePipeline(loaded.model(), loaded.tokenizer());
            return new Task() {
                public JsonNode single(CliArgs a) {
                    if (a.value("--prompt") == null) {
                        throw new CliException("choose: --prompt is required");
                    }
                    return JsonResults.choices(pipeline.run(new MultipleChoiceInput(a.value("--prompt"), a.values("--choice"))));
                }

                public List<JsonNode> lines(List<JsonNode> inputs) {
                    return pipeline.run(inputs.stream().map(l -> new MultipleChoiceInput(field(l, "prompt"),
                            strings(l.get("choices")))).toList()).stream().map(r -> (JsonNode) JsonResults.choices(r)).toList();
                }
            };
        }

        private static List<String> strings(JsonNode array) {
            if (array == null || !array.isArray()) {
                throw new AlbertException("input line needs a \"choices\" list of strings");
            }
            List<String> out = new ArrayList<>();
            array.forEach(n -> out.add(n.asText()));
            return out;
        }
    }

    /** "a,b" → [a, b]; "" → []. */
    static List<String> splitList(String value) {
        return value.isEmpty() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
    }
}
