package io.albert4j.server;

import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.FillMaskCandidate;
import io.albert4j.pipeline.FillMaskOptions;
import io.albert4j.pipeline.FillMaskPipeline;
import io.albert4j.pipeline.Task;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.wire.InferenceApi;
import io.albert4j.wire.InferenceRequest;
import io.albert4j.wire.ParsedRequest;

import java.util.List;

/**
 * fill-mask ({@link InferenceApi#fillMask}). A text longer than the model's positions is refused
 * (truncating it could cut the mask); {@code top_k} is at most {@value FillMaskOptions#MAX_TOP_K},
 * and the candidates of a request (masks × texts × top_k) at most {@link ServerOptions#maxCandidates()}.
 */
final class FillMaskTask extends ServedTask {
    private final FillMaskPipeline pipeline;

    FillMaskTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new FillMaskPipeline(model, tokenizer);
    }

    @Override
    Task task() {
        return Task.FILL_MASK;
    }

    @Override
    Job<String, List<List<FillMaskCandidate>>> job(InferenceRequest request) {
        ParsedRequest<String, FillMaskOptions> parsed = InferenceApi.fillMask(request);
        List<Integer> tokens = requestTokens(singles(parsed.inputs()), false);
        long candidates = 0;
        for (String text : parsed.inputs()) {
            candidates += (long) Math.max(1, occurrences(text, tokenizer.maskToken())) * parsed.options().topK();
        }
        if (candidates > budgets.maxCandidates()) {
            throw new HttpError(413, "the answer would hold " + candidates + " candidates (masks × texts × top_k); "
                    + "the limit is " + budgets.maxCandidates() + " (--max-candidates): send fewer masks or texts, "
                    + "or a smaller top_k");
        }
        return new Job<>(new PipelineRunner<>(pipeline.withOptions(parsed.options())), parsed.inputs(),
                results -> InferenceApi.fillMaskResponse(parsed, results)).withTokens(tokens);
    }

    private static int occurrences(String text, String token) {
        int n = 0;
        for (int at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + token.length())) {
            n++;
        }
        return n;
    }
}
