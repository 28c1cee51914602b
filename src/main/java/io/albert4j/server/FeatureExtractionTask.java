package io.albert4j.server;

import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.FeatureExtractionOptions;
import io.albert4j.pipeline.FeatureExtractionPipeline;
import io.albert4j.pipeline.Pooling;
import io.albert4j.pipeline.Task;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.wire.InferenceApi;
import io.albert4j.wire.InferenceRequest;
import io.albert4j.wire.ParsedRequest;

import java.util.List;

/**
 * feature-extraction ({@link InferenceApi#featureExtraction}): the last hidden state of every token,
 * in Hugging Face's pipeline shape {@code [[token vectors]]} ([1, seq, hidden]) for a text, a list of
 * those for a list; with albert4j's {@code pooling} one vector per text. The response is held to
 * {@link ServerOptions#maxOutputFloats()}.
 */
final class FeatureExtractionTask extends ServedTask {
    private final FeatureExtractionPipeline pipeline;

    FeatureExtractionTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new FeatureExtractionPipeline(model, tokenizer);
    }

    @Override
    Task task() {
        return Task.FEATURE_EXTRACTION;
    }

    @Override
    Job<String, float[][]> job(InferenceRequest request) {
        ParsedRequest<String, FeatureExtractionOptions> parsed = InferenceApi.featureExtraction(request);
        List<Integer> tokens = requestTokens(singles(parsed.inputs()), true);
        parsed.inputs().forEach(t -> requireFits(parsed.truncation(), t, null));
        requireOutputFloats(tokens, parsed.options().pooling() != Pooling.NONE);
        return new Job<>(new PipelineRunner<>(pipeline.withOptions(parsed.options())), parsed.inputs(),
                results -> InferenceApi.featureExtractionResponse(parsed, results)).withTokens(tokens);
    }

    /**
     * Holds a response to {@link ServerOptions#maxOutputFloats()}: token features are tokens × hidden
     * size numbers per text (counted exactly when the bounds exceed the budget), pooled ones hidden size.
     */
    private void requireOutputFloats(List<Integer> tokens, boolean pooled) {
        long hidden = model.config().hiddenSize();
        long floats = pooled ? tokens.size() * hidden : tokens.stream().mapToLong(Integer::longValue).sum() * hidden;
        if (floats > budgets.maxOutputFloats()) {
            throw new HttpError(413, "the response would hold about " + floats + " numbers (tokens × hidden size "
                    + hidden + "); the limit is " + budgets.maxOutputFloats() + " (--max-output-floats): send fewer "
                    + "or shorter texts, or ask for one vector per text with \"pooling\"");
        }
    }
}
