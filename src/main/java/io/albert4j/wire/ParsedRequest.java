package io.albert4j.wire;

import java.util.List;

/**
 * An Inference API request read into a task's typed inputs and options.
 *
 * <p>Immutable and thread-safe.
 *
 * @param inputs     the inputs, in request order (never empty)
 * @param single     whether {@code inputs} was one input rather than a list (the response then
 *                   holds one result, not a list)
 * @param options    the task's options record, from the request's parameters
 * @param truncation the request's {@code truncation}: false asks for a refusal of an input longer
 *                   than the model's positions instead of cutting it (true when the task has no
 *                   such parameter)
 * @param <I>        one input
 * @param <P>        the options record
 */
public record ParsedRequest<I, P>(List<I> inputs, boolean single, P options, boolean truncation) {
    public ParsedRequest {
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new WireException("inputs must not be empty");
        }
        if (single && inputs.size() != 1) {
            throw new IllegalArgumentException("a single request with " + inputs.size() + " inputs");
        }
    }
}
