package io.albert4j.server;

import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.Task;
import io.albert4j.pipeline.TokenClassificationOptions;
import io.albert4j.pipeline.TokenClassificationPipeline;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.wire.InferenceApi;
import io.albert4j.wire.InferenceRequest;
import io.albert4j.wire.ParsedRequest;

import java.util.List;

/**
 * token-classification ({@link InferenceApi#tokenClassification}): the entities of a text, a list of
 * those for a list of texts; aggregation defaults to simple, as in the Inference API.
 */
final class TokenClassificationTask extends ServedTask {
    private final TokenClassificationPipeline pipeline;

    TokenClassificationTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new TokenClassificationPipeline(model, tokenizer);
    }

    @Override
    Task task() {
        return Task.TOKEN_CLASSIFICATION;
    }

    @Override
    Job<String, List<Entity>> job(InferenceRequest request) {
        ParsedRequest<String, TokenClassificationOptions> parsed = InferenceApi.tokenClassification(request);
        List<Integer> tokens = requestTokens(singles(parsed.inputs()), parsed.truncation());
        parsed.inputs().forEach(t -> requireFits(parsed.truncation(), t, null));
        return new Job<>(new PipelineRunner<>(pipeline.withOptions(parsed.options())), parsed.inputs(),
                results -> InferenceApi.tokenClassificationResponse(parsed, results)).withTokens(tokens);
    }
}
