package io.albert4j.server;

import io.albert4j.pipeline.Pipeline;

import java.util.List;

/**
 * Runs a pipeline (its options included) on the inputs of every request it is equal to: pipelines
 * are equal when they share the model and tokenizer and have equal options, so requests with the
 * same parameters share a forward pass.
 */
record PipelineRunner<I, O>(Pipeline<I, O> pipeline) implements Runner<I, O> {
    @Override
    public List<O> run(List<I> inputs) {
        return pipeline.run(inputs);
    }
}
