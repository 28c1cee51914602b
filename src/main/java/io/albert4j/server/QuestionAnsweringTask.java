package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.cli.JsonResults;
import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.Answer;
import io.albert4j.pipeline.QuestionAnsweringOptions;
import io.albert4j.pipeline.QuestionAnsweringPipeline;
import io.albert4j.tokenizer.AlbertTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * question-answering: {@code {"inputs": {"question": ..., "context": ...}, "parameters": {...}}} or the
 * older top-level {@code {"question": ..., "context": ...}} → {@code {"score", "start", "end",
 * "answer"}}, or a list of them when {@code top_k > 1}. {@code max_seq_len} defaults to min(384, the
 * model's positions); a long context is read in windows of that length ({@code doc_stride} apart),
 * so it is never truncated. Each request runs alone, its windows in forward passes of at most
 * {@link ServerOptions#maxBatchTokens()} tokens.
 */
final class QuestionAnsweringTask extends ServedTask {
    private final QuestionAnsweringPipeline pipeline;

    QuestionAnsweringTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new QuestionAnsweringPipeline(model, tokenizer);
    }

    @Override
    String name() {
        return "question-answering";
    }

    @Override
    Set<String> parameters() {
        return Set.of("top_k", "max_answer_len", "max_seq_len", "doc_stride", "max_question_len",
                "handle_impossible_answer", "align_to_words");
    }

    @Override
    Set<String> inputFields() {
        return Set.of("question", "context");
    }

    /** One input. */
    record QuestionContext(String question, String context) {
    }

    @Override
    Job job(Request request) {
        JsonNode inputs = request.field("inputs");
        QuestionContext input;
        if (inputs != null) {
            if (request.field("question") != null || request.field("context") != null) {
                throw HttpError.badRequest("send question and context either in \"inputs\" or at the top level, "
                        + "not both");
            }
            if (!inputs.isObject()) {
                throw HttpError.badRequest("\"inputs\" must be an object {\"question\": ..., \"context\": ...}, found "
                        + Request.describe(inputs));
            }
            inputs.fieldNames().forEachRemaining(name -> {
                if (!name.equals("question") && !name.equals("context")) {
                    throw HttpError.badRequest("unknown input field \"" + name + "\"; expected question and context");
                }
            });
            input = new QuestionContext(text(inputs.get("question"), "question"), text(inputs.get("context"), "context"));
        } else {
            if (request.field("question") == null && request.field("context") == null) {
                throw HttpError.badRequest("missing field \"inputs\": {\"question\": ..., \"context\": ...}");
            }
            input = new QuestionContext(text(request.field("question"), "question"),
                    text(request.field("context"), "context"));
        }
        if (!request.bool("align_to_words", true)) {
            throw HttpError.badRequest("parameter \"align_to_words\" is not supported as false: answers are always "
                    + "whole words of the context");
        }
        QuestionAnsweringOptions d = QuestionAnsweringOptions.defaults();
        QuestionAnsweringOptions options = d
                .withTopK(request.integer("top_k", d.topK(), 1))
                .withMaxAnswerLen(request.integer("max_answer_len", d.maxAnswerLen(), 1))
                .withMaxSeqLen(request.integer("max_seq_len", 0, 1))
                .withDocStride(request.integer("doc_stride", 0, 1))
                .withMaxQuestionLen(request.integer("max_question_len", d.maxQuestionLen(), 1))
                .withHandleImpossibleAnswer(request.bool("handle_impossible_answer", false));
        List<Integer> tokens = requestTokens(List.<String[]>of(new String[]{input.question, input.context}), false);
        int windowsPerPass = Math.max(1, budgets.maxBatchTokens() / maxSeqLen(options));
        return new Job(new AnswerEach(pipeline, options, windowsPerPass), List.of(input),
                results -> JsonResults.answers(input.context(), answers(results.get(0)))).withTokens(tokens);
    }

    private static String text(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            throw HttpError.badRequest("missing field \"" + name + "\"");
        }
        if (!node.isTextual()) {
            throw HttpError.badRequest("\"" + name + "\" must be a string, found " + Request.describe(node));
        }
        return node.textValue();
    }

    @SuppressWarnings("unchecked")
    private static List<Answer> answers(Object result) {
        return (List<Answer>) result;
    }

    /** The longest window: max_seq_len, or the pipeline's default of min(384, positions). */
    private int maxSeqLen(QuestionAnsweringOptions options) {
        return options.maxSeqLen() > 0 ? options.maxSeqLen()
                : Math.min(QuestionAnsweringPipeline.DEFAULT_MAX_SEQ_LEN, model.config().maxPositionEmbeddings());
    }

    /**
     * Runs each request alone, its context's windows at most {@code windowsPerPass} per forward pass
     * (the batch token budget), so that a long context costs time, not memory.
     */
    private record AnswerEach(QuestionAnsweringPipeline pipeline, QuestionAnsweringOptions options, int windowsPerPass)
            implements Runner {
        @Override
        public List<?> run(List<Object> inputs) {
            List<Object> out = new ArrayList<>();
            for (Object i : inputs) {
                QuestionContext qc = (QuestionContext) i;
                out.add(pipeline.answer(qc.question, qc.context, options, windowsPerPass));
            }
            return out;
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
