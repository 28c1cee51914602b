package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.function.Function;

/**
 * A parsed inference request: its inputs, the runner (pipeline and parameters) that computes them,
 * and how the per-input results become the response document.
 */
record Job(Runner runner, List<Object> inputs, Function<List<?>, JsonNode> respond) {
    Job {
        if (inputs.isEmpty()) {
            throw HttpError.badRequest("inputs must not be empty");
        }
        inputs = List.copyOf(inputs);
    }
}
