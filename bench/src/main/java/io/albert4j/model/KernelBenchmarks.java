package io.albert4j.model;

import io.albert4j.config.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * JMH benchmarks of the hot kernels of one albert-base layer at batch × seq tokens (default
 * 8 × 128 = 1,024 rows), each fast kernel next to its scalar double-precision reference from
 * {@link ReferenceKernels} (the one KernelsTest checks it against; from the library's test jar). The
 * attention and FFN blocks include their ND4J GEMMs. Run with {@code scripts/jmh.sh} (or
 * {@code java -cp bench/target/classes:$(cat bench/target/classpath.txt) org.openjdk.jmh.Main KernelBenchmarks}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.bytedeco.javacpp.maxbytes=2G"})
public class KernelBenchmarks {
    private static final int HIDDEN = 768;
    private static final int INTERMEDIATE = 3072;
    private static final int HEADS = 12;
    private static final int HEAD_SIZE = 64;

    @Param({"8"})
    int batch;
    @Param({"128"})
    int seq;

    private int rows;
    private INDArray inner;       // [rows, intermediate]
    private float[][] innerRows;
    private float[] innerBias;
    private INDArray hidden;      // [rows, hidden]
    private INDArray residual;
    private INDArray out;
    private float[][] hiddenRows;
    private float[][] residualRows;
    private float[] bias;
    private float[] gamma;
    private float[] beta;
    private float[][] qkvRows;    // [rows, 3·hidden], the fused projection with its bias
    private INDArray fusedQkv;
    private INDArray scores;      // [batch·heads, seq, seq] scratch
    private INDArray context;     // [rows, hidden]
    private float[][] additiveMask;
    private int[][] attentionMask;
    private Workspace workspace;
    private Linear qkv;
    private Linear dense;
    private Linear ffn;
    private Linear ffnOutput;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        rows = batch * seq;
        innerRows = matrix(random, rows, INTERMEDIATE, 3f);
        inner = Nd4j.create(innerRows);
        innerBias = vector(random, INTERMEDIATE, 1f);
        hiddenRows = matrix(random, rows, HIDDEN, 2f);
        residualRows = matrix(random, rows, HIDDEN, 2f);
        hidden = Nd4j.create(hiddenRows);
        residual = Nd4j.create(residualRows);
        out = Kernels.allocate(rows, HIDDEN);
        bias = vector(random, HIDDEN, 1f);
        gamma = vector(random, HIDDEN, 1f);
        beta = vector(random, HIDDEN, 1f);
        qkvRows = matrix(random, rows, 3 * HIDDEN, 2f);
        fusedQkv = Nd4j.create(qkvRows);
        scores = Kernels.allocate((long) batch * HEADS, seq, seq);
        context = Kernels.allocate(rows, HIDDEN);
        attentionMask = new int[batch][seq];
        for (int[] m : attentionMask) {
            Arrays.fill(m, 1);
        }
        additiveMask = new float[batch][seq]; // the all-ones attention mask above, as the model adds it
        workspace = new Workspace();
        qkv = linear(random, 3 * HIDDEN, HIDDEN);
        dense = linear(random, HIDDEN, HIDDEN);
        ffn = linear(random, INTERMEDIATE, HIDDEN);
        ffnOutput = linear(random, HIDDEN, INTERMEDIATE);
    }

    /** tanh-GELU with bias over [rows, 3072]: the fast kernel (in place; GELU of GELU stays finite). */
    @Benchmark
    public INDArray geluFast() {
        Kernels.addBiasActivation(inner, innerBias, Activation.GELU_NEW);
        return inner;
    }

    @Benchmark
    public double[][] geluReference() {
        return ReferenceKernels.addBiasActivation(innerRows, innerBias, Activation.GELU_NEW);
    }

    /** bias + residual + LayerNorm over [rows, 768]. */
    @Benchmark
    public INDArray residualLayerNormFast() {
        Kernels.addBiasResidualLayerNorm(hidden, bias, residual, gamma, beta, 1e-12f, out);
        return out;
    }

    @Benchmark
    public double[][] residualLayerNormReference() {
        return ReferenceKernels.addBiasResidualLayerNorm(hiddenRows, bias, residualRows, gamma, beta, 1e-12);
    }

    /** Attention from the fused projection: scores, scale + mask + softmax, context (no GEMMs for QKV). */
    @Benchmark
    public INDArray attentionFast() {
        Kernels.attention(fusedQkv, additiveMask, 0, batch, HEADS, HEAD_SIZE, 0.125f, scores, context);
        return context;
    }

    @Benchmark
    public double[][] attentionReference() {
        return ReferenceKernels.attention(qkvRows, attentionMask, HEADS, HEAD_SIZE, 0.125);
    }

    /** The attention block: QKV GEMM, bias, attention (scores, softmax, context), dense, residual LN. */
    @Benchmark
    public INDArray attentionBlock() {
        INDArray fused = workspace.get("qkv", rows, 3L * HIDDEN);
        qkv.projectInto(hidden, fused);
        Kernels.addBias(fused, qkv.bias);
        INDArray s = workspace.get("scores", (long) batch * HEADS, seq, seq);
        INDArray merged = workspace.get("merged", rows, HIDDEN);
        Kernels.attention(fused, additiveMask, 0, batch, HEADS, HEAD_SIZE, 0.125f, s, merged);
        INDArray projected = workspace.get("projected", rows, HIDDEN);
        dense.projectInto(merged, projected);
        Kernels.addBiasResidualLayerNorm(projected, dense.bias, hidden, gamma, beta, 1e-12f, out);
        return out;
    }

    /** The FFN block: GEMM, bias + GELU, GEMM, bias + residual + LayerNorm. */
    @Benchmark
    public INDArray ffnBlock() {
        INDArray in = workspace.get("inner", rows, INTERMEDIATE);
        ffn.projectInto(hidden, in);
        Kernels.addBiasActivation(in, ffn.bias, Activation.GELU_NEW);
        ffnOutput.projectInto(in, out);
        Kernels.addBiasResidualLayerNorm(out, ffnOutput.bias, hidden, gamma, beta, 1e-12f, out);
        return out;
    }

    private static Linear linear(Random random, int outFeatures, int inFeatures) {
        INDArray w = Nd4j.rand(DataType.FLOAT, outFeatures, inFeatures).subi(0.5).muli(0.05).dup('c');
        return new Linear(w, vector(random, outFeatures, 0.1f));
    }

    private static float[][] matrix(Random random, int rows, int cols, float range) {
        float[][] m = new float[rows][];
        for (int r = 0; r < rows; r++) {
            m[r] = vector(random, cols, range);
        }
        return m;
    }

    private static float[] vector(Random random, int n, float range) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (random.nextFloat() * 2 - 1) * range;
        }
        return v;
    }
}
