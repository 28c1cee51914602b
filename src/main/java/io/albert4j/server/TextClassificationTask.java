package io.albert4j.server;

import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.LabelScore;
import io.albert4j.pipeline.Task;
import io.albert4j.pipeline.TextClassificationOptions;
import io.albert4j.pipeline.TextClassificationPipeline;
import io.albert4j.pipeline.TextPair;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.wire.InferenceApi;
import io.albert4j.wire.InferenceRequest;
import io.albert4j.wire.ParsedRequest;

import java.util.List;

/**
 * text-classification ({@link InferenceApi#textClassification}): one list of {@code {"label",
 * "score"}}, highest first, per input; with {@code truncation: false} an input longer than the
 * model's positions is refused.
 */
final class TextClassificationTask extends ServedTask {
    private final TextClassificationPipeline pipeline;

    TextClassificationTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new TextClassificationPipeline(model, tokenizer);
    }

    @Override
    Task task() {
        return Task.TEXT_CLASSIFICATION;
    }

    @Override
    Job<TextPair, List<LabelScore>> job(InferenceRequest request) {
        ParsedRequest<TextPair, TextClassificationOptions> parsed = InferenceApi.textClassification(request);
        List<Integer> tokens = requestTokens(parsed.inputs().stream()
                .map(i -> new String[]{i.text(), i.textPair()}).toList(), parsed.truncation());
        parsed.inputs().forEach(i -> requireFits(parsed.truncation(), i.text(), i.textPair()));
        return new Job<>(new PipelineRunner<>(pipeline.withOptions(parsed.options())), parsed.inputs(),
                InferenceApi::textClassificationResponse).withTokens(tokens);
    }
}
