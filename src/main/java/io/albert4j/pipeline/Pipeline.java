package io.albert4j.pipeline;

import java.util.List;

/**
 * One task bound to a loaded model, its tokenizer and its options: the shape every albert4j
 * pipeline has, as Hugging Face's {@code pipeline(task, model)} objects. {@link #run(Object)}
 * answers one input; {@link #run(List)} answers many in order, in padded forward passes (one per
 * batch), with the same results as running them one by one.
 *
 * <p>Implementations are immutable and thread-safe: they share the (thread-safe) model and
 * tokenizer, and each call keeps its own state. Options are fixed at construction; a pipeline with
 * other options is made by the implementation's {@code withOptions}.
 *
 * @param <I> one input (a text, a text pair, a question and its context, ...)
 * @param <O> the typed result for one input
 */
public interface Pipeline<I, O> {
    /** The task this pipeline computes. */
    Task task();

    /** The result for one input. */
    default O run(I input) {
        return run(List.of(input)).get(0);
    }

    /**
     * Results for many inputs, in input order.
     *
     * @throws io.albert4j.AlbertException for an input the task cannot take (the message names it)
     */
    List<O> run(List<I> inputs);
}
