package io.albert4j.model;

import io.albert4j.checkpoint.StateDict;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A torch {@code nn.Linear}: y = x·Wᵀ + b, run as one GEMM with a transpose flag on the stored
 * [out, in] weight (no transposed copy). Immutable; thread-safe.
 *
 * <p>For few rows (short single sequences) OpenBLAS runs a GEMM on one thread, since it splits the
 * work along the rows; {@link #projectInto} then splits the output features over
 * {@link Parallelism#threads()} threads itself, each running {@code cblas_sgemm} on its block of
 * weight rows and writing its block of output columns in place.
 */
final class Linear {
    /**
     * Row counts up to this run as column blocks on the kernel threads (system property
     * {@code albert4j.gemmSplitRows}; 0 turns the split off).
     */
    static final int SPLIT_ROWS = Integer.getInteger("albert4j.gemmSplitRows", 64);

    final INDArray weight; // [out, in]
    final float[] bias;    // [out]

    Linear(INDArray weight, float[] bias) {
        this.weight = weight;
        this.bias = bias;
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
        int rows = x.rows();
        int n = outFeatures();
        if (rows > SPLIT_ROWS || Parallelism.threads() < 2 || n < 256 || x.isView() || out.isView()
                || x.ordering() != 'c' || weight.isView() || weight.ordering() != 'c') {
            Nd4j.gemm(x, weight, out, false, true, 1.0, 0.0);
            return;
        }
        int k = (int) weight.size(1);
        FloatPointer a = (FloatPointer) x.data().addressPointer();
        FloatPointer w = (FloatPointer) weight.data().addressPointer();
        FloatPointer c = (FloatPointer) out.data().addressPointer();
        int blocks = Math.min(Parallelism.threads(), n / 128);
        Parallelism.forRange(blocks, 1, (from, to) -> {
            for (int block = from; block < to; block++) {
                int first = (int) ((long) n * block / blocks);
                int count = (int) ((long) n * (block + 1) / blocks) - first;
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasTrans, rows, count, k, 1f, a, k,
                        new FloatPointer(w).position((long) first * k), k, 0f,
                        new FloatPointer(c).position(first), n);
            }
        });
    }

    /** x·Wᵀ + b. x: [rows, in] → [rows, out]. */
    INDArray forward(INDArray x) {
        INDArray out = project(x);
        Kernels.addBias(out, bias);
        return out;
    }
}
