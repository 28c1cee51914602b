package io.albert4j.model;

/**
 * The arithmetic of the encoder's linear layers (attention query/key/value and output dense, FFN
 * and FFN output), chosen at load with {@link AlbertModel#load(java.nio.file.Path, Architecture, Precision)}.
 * Embeddings, the embedding projection, LayerNorm, softmax, the pooler and task heads stay float32
 * in every mode. Reduced precision trades a small, measured deviation from Hugging Face's float32
 * outputs (docs/precision.md) for speed; {@link #FP32} is the default and matches them.
 *
 * <p>{@link #INT8} and {@link #BF16} run on oneDNN's kernels and need its natives (linux-x86_64,
 * linux-arm64, macosx-x86_64, windows-x86_64) and a CPU with fast kernels for the type; loading
 * with a precision the running machine lacks fails with an {@link io.albert4j.AlbertException}
 * naming the platform and what it supports.
 */
public enum Precision {
    /** float32 throughout: Hugging Face's outputs within 1e-4. */
    FP32,
    /**
     * Dynamic int8 quantization: weights quantized once at load per output channel (symmetric,
     * scale = max|w|/127), activations quantized per row on every call, products accumulated in
     * int32 and rescaled to float32. Needs AVX-512 VNNI (Intel Cascade Lake and later, AMD Zen 4).
     */
    INT8,
    /**
     * bfloat16 weights and activations (8-bit mantissa, float32's range), products accumulated
     * in float32. Needs AVX-512 (native bf16 instructions from Intel Cooper Lake / AMD Zen 4).
     */
    BF16
}
