package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A parsed inference request: its inputs, the runner (pipeline and parameters) that computes them,
 * how the per-input results become the response document, and each input's tokens (an upper bound,
 * 0 when unknown), by which the batcher keeps a forward pass within its token budget.
 *
 * @param <I> one input
 * @param <O> the result for one input
 */
record Job<I, O>(Runner<I, O> runner, List<I> inputs, Function<List<O>, JsonNode> respond, List<Integer> tokens) {
    Job {
        if (inputs.isEmpty()) {
            throw HttpError.badRequest("inputs must not be empty");
        }
        inputs = List.copyOf(inputs);
        tokens = List.copyOf(tokens);
        if (tokens.size() != inputs.size()) {
            throw new IllegalArgumentException(tokens.size() + " token counts for " + inputs.size() + " inputs");
        }
    }

    /** A job whose inputs' lengths are unknown. */
    Job(Runner<I, O> runner, List<I> inputs, Function<List<O>, JsonNode> respond) {
        this(runner, inputs, respond, Collections.nCopies(inputs.size(), 0));
    }

    Job<I, O> withTokens(List<Integer> counts) {
        return new Job<>(runner, inputs, respond, counts);
    }

    /**
     * This job's inputs, for a runner equal to its own. The batcher merges the inputs of jobs with
     * equal runners; runners are records, equal only when of one class over equal pipelines, so they
     * take the same type of inputs: the cast holds by that equality, which is checked.
     */
    @SuppressWarnings("unchecked")
    <J> List<J> inputsFor(Runner<J, ?> other) {
        if (!runner.equals(other)) {
            throw new IllegalArgumentException("inputs asked for another runner");
        }
        return (List<J>) inputs;
    }

    /**
     * The response to this job's results, as computed by a runner equal to its own (so of its
     * result type; see {@link #inputsFor}).
     */
    @SuppressWarnings("unchecked")
    JsonNode respondTo(List<?> results) {
        return respond.apply((List<O>) results);
    }
}
