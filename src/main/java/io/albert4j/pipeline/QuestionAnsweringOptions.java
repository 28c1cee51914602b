package io.albert4j.pipeline;

import io.albert4j.AlbertException;

/**
 * Options of the question-answering pipeline, with Hugging Face's defaults.
 *
 * <p>Immutable and thread-safe.
 *
 * @param topK                   answers to return, 1 to {@value #MAX_TOP_K} (1)
 * @param maxAnswerLen           longest answer in tokens (15)
 * @param maxSeqLen              window length in tokens; 0 = min(384, the model's positions)
 * @param docStride              window overlap step in tokens; 0 = min(maxSeqLen / 2, 128)
 * @param maxQuestionLen         question tokens kept (64)
 * @param handleImpossibleAnswer also score the empty answer
 */
public record QuestionAnsweringOptions(int topK, int maxAnswerLen, int maxSeqLen, int docStride, int maxQuestionLen,
                                       boolean handleImpossibleAnswer) {
    /** The largest {@code top_k}: the pipeline ranks {@code 2·top_k + 10} spans per window. */
    public static final int MAX_TOP_K = 1000;

    public QuestionAnsweringOptions {
        Options.requireRange("top_k", topK, 1, MAX_TOP_K);
        Options.requireRange("max_answer_len", maxAnswerLen, 1, Integer.MAX_VALUE);
        Options.requireRange("max_question_len", maxQuestionLen, 1, Integer.MAX_VALUE);
        if (maxSeqLen < 0 || docStride < 0) {
            throw new AlbertException("max_seq_len and doc_stride must not be negative");
        }
    }

    public static QuestionAnsweringOptions defaults() {
        return new QuestionAnsweringOptions(1, 15, 0, 0, 64, false);
    }

    public QuestionAnsweringOptions withTopK(int value) {
        return new QuestionAnsweringOptions(value, maxAnswerLen, maxSeqLen, docStride, maxQuestionLen, handleImpossibleAnswer);
    }

    public QuestionAnsweringOptions withMaxAnswerLen(int value) {
        return new QuestionAnsweringOptions(topK, value, maxSeqLen, docStride, maxQuestionLen, handleImpossibleAnswer);
    }

    public QuestionAnsweringOptions withMaxSeqLen(int value) {
        return new QuestionAnsweringOptions(topK, maxAnswerLen, value, docStride, maxQuestionLen, handleImpossibleAnswer);
    }

    public QuestionAnsweringOptions withDocStride(int value) {
        return new QuestionAnsweringOptions(topK, maxAnswerLen, maxSeqLen, value, maxQuestionLen, handleImpossibleAnswer);
    }

    public QuestionAnsweringOptions withMaxQuestionLen(int value) {
        return new QuestionAnsweringOptions(topK, maxAnswerLen, maxSeqLen, docStride, value, handleImpossibleAnswer);
    }

    public QuestionAnsweringOptions withHandleImpossibleAnswer(boolean value) {
        return new QuestionAnsweringOptions(topK, maxAnswerLen, maxSeqLen, docStride, maxQuestionLen, value);
    }
}
