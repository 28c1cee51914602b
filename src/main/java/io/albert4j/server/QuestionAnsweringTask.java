package io.albert4j.server;

import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.Answer;
import io.albert4j.pipeline.QuestionAnsweringOptions;
import io.albert4j.pipeline.QuestionAnsweringPipeline;
import io.albert4j.pipeline.QuestionContext;
import io.albert4j.pipeline.Task;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.wire.InferenceApi;
import io.albert4j.wire.InferenceRequest;
import io.albert4j.wire.ParsedRequest;

import java.util.List;

/**
 * question-answering ({@link InferenceApi#questionAnswering}). {@code max_seq_len} defaults to
 * min(384, the model's positions); a long context is read in windows of that length
 * ({@code doc_stride} apart), so it is never truncated. Each request runs alone, its windows in
 * forward passes of at most {@link ServerOptions#maxBatchTokens()} tokens.
 */
final class QuestionAnsweringTask extends ServedTask {
    private final QuestionAnsweringPipeline pipeline;

    QuestionAnsweringTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new QuestionAnsweringPipeline(model, tokenizer);
    }

    @Override
    Task task() {
        return Task.QUESTION_ANSWERING;
    }

    @Override
    Job<QuestionContext, List<Answer>> job(InferenceRequest request) {
        ParsedRequest<QuestionContext, QuestionAnsweringOptions> parsed = InferenceApi.questionAnswering(request);
        QuestionContext input = parsed.inputs().get(0);
        List<Integer> tokens = requestTokens(List.<String[]>of(new String[]{input.question(), input.context()}), false);
        QuestionAnsweringPipeline configured = pipeline.withOptions(parsed.options());
        int windowsPerPass = Math.max(1, budgets.maxBatchTokens() / configured.maxSeqLen());
        return new Job<>(new AnswerEach(configured.withWindowsPerPass(windowsPerPass)), parsed.inputs(),
                results -> InferenceApi.questionAnsweringResponse(parsed, results)).withTokens(tokens);
    }

    /**
     * Runs each request alone, its context's windows at most the pipeline's windows per pass per
     * forward pass (the batch token budget), so that a long context costs time, not memory.
     */
    private record AnswerEach(QuestionAnsweringPipeline pipeline) implements Runner<QuestionContext, List<Answer>> {
        @Override
        public List<List<Answer>> run(List<QuestionContext> inputs) {
            return pipeline.run(inputs);
        }

        @Override
        public boolean batches() {
            return false;
        }

        @Override
        public int forwardPasses(int inputs) {
            return inputs;
        }
    }
}
