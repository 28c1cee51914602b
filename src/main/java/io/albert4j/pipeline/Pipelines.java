package io.albert4j.pipeline;

import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;

/**
 * Pipelines by task name, in the spirit of Hugging Face's {@code transformers.pipeline(task, model)}:
 * {@code Pipelines.create("fill-mask", model, tokenizer)}, or {@code Pipelines.create(model, tokenizer)}
 * for the task the checkpoint's head serves ({@link Task#defaultFor}). Each pipeline has its task's
 * default options; {@code withOptions} on the concrete class (cast from the result, e.g.
 * {@code (FillMaskPipeline)}) gives other ones.
 *
 * <p>Stateless and thread-safe. The pipelines share the model and tokenizer, which the caller
 * still owns (and closes).
 */
public final class Pipelines {
    private Pipelines() {
    }

    /** The pipeline of the checkpoint's default task. */
    public static Pipeline<?, ?> create(AlbertModel model, AlbertTokenizer tokenizer) {
        return create(Task.defaultFor(model), model, tokenizer);
    }

    /**
     * The pipeline of a task named as Hugging Face names it ({@code "fill-mask"},
     * {@code "text-classification"} or {@code "sentiment-analysis"}, {@code "ner"}, ...).
     *
     * @throws io.albert4j.AlbertException for an unknown task, or a checkpoint whose head cannot serve it
     *     (the message names its architecture and the tasks it serves)
     */
    public static Pipeline<?, ?> create(String task, AlbertModel model, AlbertTokenizer tokenizer) {
        return create(Task.of(task), model, tokenizer);
    }

    /** The pipeline of a task, with the task's default options. */
    public static Pipeline<?, ?> create(Task task, AlbertModel model, AlbertTokenizer tokenizer) {
        task.requireServedBy(model);
        return switch (task) {
            case FILL_MASK -> new FillMaskPipeline(model, tokenizer);
            case TEXT_CLASSIFICATION -> new TextClassificationPipeline(model, tokenizer);
            case ZERO_SHOT_CLASSIFICATION -> new ZeroShotClassificationPipeline(model, tokenizer);
            case TOKEN_CLASSIFICATION -> new TokenClassificationPipeline(model, tokenizer);
            case QUESTION_ANSWERING -> new QuestionAnsweringPipeline(model, tokenizer);
            case FEATURE_EXTRACTION -> new FeatureExtractionPipeline(model, tokenizer);
            case MULTIPLE_CHOICE -> new MultipleChoicePipeline(model, tokenizer);
            case SENTENCE_ORDER -> new SentenceOrderPipeline(model, tokenizer);
        };
    }
}
