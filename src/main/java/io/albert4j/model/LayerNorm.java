package io.albert4j.model;

import io.albert4j.checkpoint.StateDict;

/** A torch {@code nn.LayerNorm}'s parameters, with the config's epsilon. Immutable; thread-safe. */
record LayerNorm(float[] gamma, float[] beta, float eps) { // gamma, beta: [n]

    /** Reads {@code prefix.weight} and {@code prefix.bias}, both [n]. */
    static LayerNorm load(StateDict weights, String prefix, int n, double eps) {
        return new LayerNorm(weights.require(prefix + ".weight", n).toFloatVector(),
                weights.require(prefix + ".bias", n).toFloatVector(), (float) eps);
    }
}
