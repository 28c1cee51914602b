package io.albert4j.server;

import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.Task;
import io.albert4j.pipeline.ZeroShotClassificationPipeline;
import io.albert4j.pipeline.ZeroShotOptions;
import io.albert4j.pipeline.ZeroShotResult;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.wire.InferenceApi;
import io.albert4j.wire.InferenceRequest;
import io.albert4j.wire.ParsedRequest;

import java.util.HashSet;
import java.util.Set;

/**
 * zero-shot-classification ({@link InferenceApi#zeroShot}), served for a sequence classifier trained
 * on NLI (a config label starting with "entail"). A request without {@code candidate_labels} is a
 * text-classification request (the NLI labels of a text or text pair), answered as
 * {@link TextClassificationTask} answers it.
 */
final class ZeroShotClassificationTask extends ServedTask {
    private static final Set<String> OWN_PARAMETERS = InferenceApi.parameters(Task.ZERO_SHOT_CLASSIFICATION);

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
    Task task() {
        return Task.ZERO_SHOT_CLASSIFICATION;
    }

    @Override
    Set<String> parameters() {
        Set<String> all = new HashSet<>(OWN_PARAMETERS);
        all.addAll(classification.parameters());
        return all;
    }

    @Override
    Job<?, ?> job(InferenceRequest request) {
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
        ParsedRequest<String, ZeroShotOptions> parsed = InferenceApi.zeroShot(request);
        return new Job<String, ZeroShotResult>(new PipelineRunner<>(pipeline.withOptions(parsed.options())),
                parsed.inputs(), results -> InferenceApi.zeroShotResponse(parsed, results));
    }
}
