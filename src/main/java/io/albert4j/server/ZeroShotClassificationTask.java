package io.albert4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.albert4j.cli.JsonResults;
import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.ZeroShotClassificationPipeline;
import io.albert4j.pipeline.ZeroShotResult;
import io.albert4j.tokenizer.AlbertTokenizer;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * zero-shot-classification, served for a sequence classifier trained on NLI (a config label starting
 * with "entail"): {@code inputs} is a text or a list of texts; parameters {@code candidate_labels}
 * (required: a list, or one string of comma-separated labels), {@code multi_label} (default false)
 * and {@code hypothesis_template} (default {@code "This example is {}."}). The answer is
 * {@code {"sequence", "labels", "scores"}} for a text, a list of those for a list, as the Inference
 * API. A request without {@code candidate_labels} is a text-classification request (the NLI labels
 * of a text or text pair), answered as {@link TextClassificationTask} answers it.
 */
final class ZeroShotClassificationTask extends ServedTask {
    private static final Set<String> OWN_PARAMETERS = Set.of("candidate_labels", "multi_label", "hypothesis_template");

    private final ZeroShotClassificationPipeline pipeline;
    private final TextClassificationTask classification;

    ZeroShotClassificationTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new ZeroShotClassificationPipeline(model, tokenizer);
        classification = new TextClassificationTask(model, tokenizer);
    }

    @Override
    void holdTo(ServerOptions options) {
        super.holdTo(options);
        classification.holdTo(options);
    }

    @Override
    String name() {
        return "zero-shot-classification";
    }

    @Override
    Set<String> parameters() {
        Set<String> all = new HashSet<>(OWN_PARAMETERS);
        all.addAll(classification.parameters());
        return all;
    }

    @Override
    Job job(Request request) {
        if (!request.has("candidate_labels")) {
            for (String own : OWN_PARAMETERS) {
                if (request.has(own)) {
                    throw HttpError.badRequest("parameter \"" + own + "\" needs \"candidate_labels\"");
                }
            }
            return classification.job(request);
        }
        for (String other : classification.parameters()) {
            if (request.has(other)) {
                throw HttpError.badRequest("parameter \"" + other + "\" is for text-classification, not with "
                        + "\"candidate_labels\"");
            }
        }
        Texts texts = Texts.of(request.inputs());
        List<String> labels = candidateLabels(request);
        String template = request.string("hypothesis_template", ZeroShotClassificationPipeline.DEFAULT_HYPOTHESIS_TEMPLATE);
        if (!template.contains("{}")) {
            throw HttpError.badRequest("parameter \"hypothesis_template\" must hold {} where the label goes, found \""
                    + template + "\"");
        }
        boolean multiLabel = request.bool("multi_label", false);
        return new Job(new Classify(pipeline, labels, template, multiLabel), texts.asInputs(), results -> {
            if (texts.single()) {
                return JsonResults.zeroShot((ZeroShotResult) results.get(0));
            }
            ArrayNode out = JsonResults.JSON.createArrayNode();
            results.forEach(r -> out.add(JsonResults.zeroShot((ZeroShotResult) r)));
            return out;
        });
    }

    /** A list, or one string split at commas (as the pipeline's argument parser), blanks dropped. */
    private static List<String> candidateLabels(Request request) {
        List<String> labels = request.strings("candidate_labels");
        if (request.isString("candidate_labels")) {
            labels = Arrays.stream(labels.get(0).split(",")).map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
        if (labels.isEmpty()) {
            throw HttpError.badRequest("parameter \"candidate_labels\" must name at least one label");
        }
        return labels;
    }

    /** Each input is one sequence; its candidate-label pairs share the forward pass of the batch. */
    private record Classify(ZeroShotClassificationPipeline pipeline, List<String> labels, String template,
                            boolean multiLabel) implements Runner {
        @Override
        public List<?> run(List<Object> inputs) {
            return pipeline.classify(inputs.stream().map(String.class::cast).toList(), labels, template, multiLabel);
        }
    }
}
