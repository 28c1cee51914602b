package io.albert4j.model;

import io.albert4j.checkpoint.StateDict;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A torch {@code nn.Linear}: y = x·Wᵀ + b, run as one GEMM with a transpose flag on the stored
 * [out, in] weight (no transposed copy), or, for a layer loaded in reduced {@link Precision}, on
 * its {@link QuantizedLinear}. Immutable; thread-safe.
 */
final class Linear {
    final INDArray weight; // [out, in]
    final float[] bias;    // [out]
    private final QuantizedLinear reduced; // null: the float32 GEMM

    Linear(INDArray weight, float[] bias) {
        this(weight, bias, null);
    }

    private Linear(INDArray weight, float[] bias, QuantizedLinear reduced) {
        this.weight = weight;
        this.bias = bias;
        this.reduced = reduced;
    }

    /** This layer computing x·Wᵀ in {@code precision} (itself for FP32); its converted weight is owned by {@code weights}. */
    Linear in(Precision precision, StateDict weights) {
        return precision == Precision.FP32 ? this : new Linear(weight, bias, new QuantizedLinear(weight, precision, weights::own));
    }

    /** Reads {@code prefix.weight} [out, in] and {@code prefix.bias} [out]. */
    static Linear load(StateDict weights, String prefix, int in, int out) {
        return new Linear(weights.require(prefix + ".weight", out, in),
                weights.require(prefix + ".bias", out).toFloatVector());
    }

    int outFeatures() {
        return bias.length;
    }

    /** x·Wᵀ without the bias, for callers that fuse the bias into their next kernel. x: [rows, in]. */
    INDArray project(INDArray x) {
        INDArray out = Kernels.allocate(x.rows(), outFeatures()); // [rows, out]
        projectInto(x, out);
        return out;
    }

    /** out = x·Wᵀ (no bias) into a caller's buffer. x: [rows, in]; out: [rows, out]. */
    void projectInto(INDArray x, INDArray out) {
        if (reduced != null) {
            reduced.projectInto(x, out);
            return;
        }
        Nd4j.gemm(x, weight, out, false, true, 1.0, 0.0);
    }

    /** x·Wᵀ + b. x: [rows, in] → [rows, out]. */
    INDArray forward(INDArray x) {
        INDArray out = project(x);
        Kernels.addBias(out, bias);
        return out;
    }
}
