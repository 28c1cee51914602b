package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.function.Function;

/**
 * A parsed inference request: its inputs, the runner (pipeline and parameters) that computes them,
 * how the per-input results become the response document, and each input's tokens (an upper bound,
 * 0 when unknown), by which the batcher keeps a forward pass within its token budget.
 */
record Job(Runner runner, List<Object> inputs, Function<List<?>, JsonNode> respond, List<Integer> tokens) {
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
    Job(Runner runner, List<Object> inputs, Function<List<?>, JsonNode> respond) {
        this(runner, inputs, respond, java.util.Collections.nCopies(inputs.size(), 0));
    }

    Job withTokens(List<Integer> counts) {
        return new Job(runner, inputs, respond, counts);
    }
}
