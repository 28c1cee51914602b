package io.albert4j.model;

import io.albert4j.AlbertException;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

/**
 * x·Wᵀ of a {@link Linear} in reduced precision on oneDNN's matmul: the weight is converted once at
 * load (INT8: per-output-channel int8 with {@link QuantizedKernels#quantizeWeights}; BF16: bfloat16)
 * and packed into the blocked layout oneDNN's kernel reads. Per call, INT8 quantizes the rows of x
 * ({@link QuantizedKernels#quantizeRows}), multiplies int8·int8 with int32 accumulation, scales by
 * the weight scales inside the kernel and by the row scales after it; BF16 converts x to bfloat16
 * and multiplies with float32 accumulation.
 *
 * <p>oneDNN's fast kernels are compiled for a fixed row count, so one primitive per row count
 * (batch·seq) is kept, the {@value #PRIMITIVES_KEPT} most recently used. The packed weight lives in an
 * ND4J array the model owns (freed by its close).
 *
 * <p>Each new primitive is checked once on a probe whose products are exact in either precision
 * (small integers, the same in every row) against a scalar dot product: oneDNN 2.5.2's brgemm
 * matmul computes wrong columns 32..N-1 when 32 &lt; N &lt; 64 and few rows (seen on AVX-512, e.g.
 * 7×32·32×48), and a row count whose primitive fails the check runs the float32 GEMM instead
 * (logged once) rather than return wrong numbers.
 *
 * <p>Thread-safe: primitives are shared (oneDNN executes them concurrently), streams and the
 * quantized activations are per thread.
 */
final class QuantizedLinear {
    static final int PRIMITIVES_KEPT = 16;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final Logger LOG = LoggerFactory.getLogger(QuantizedLinear.class);

    private final Precision precision;
    private final INDArray weight;         // [out, in] float32, the Linear's: for the probe check and the fallback
    private final int in;
    private final int out;
    private final float[] weightScales;   // INT8: [out]; BF16: null
    private final memory.desc packedDesc;  // the blocked layout of packedWeights
    private final memory packedWeights;    // [in, out] in oneDNN's layout, over an owned ND4J buffer
    private final Map<Integer, Kernel> kernels = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Kernel> eldest) {
            return size() > PRIMITIVES_KEPT;
        }
    };

    /** Converts and packs {@code weight} [out, in] into an array handed to {@code owner} (the model frees it at close). */
    QuantizedLinear(INDArray weight, Precision precision, UnaryOperator<INDArray> owner) {
        if (precision == Precision.FP32) {
            throw new IllegalArgumentException("FP32 runs on Linear itself");
        }
        this.precision = precision;
        this.weight = weight;
        out = (int) weight.size(0);
        in = (int) weight.size(1);
        float[] w = weight.dup('c').data().asFloat();
        Kernel probe = Kernel.create(precision, 128, in, out, null);
        requireFastKernel(probe.implementation);
        packedDesc = probe.weightsDesc;
        INDArray packed = owner.apply(Nd4j.createUninitialized(DataType.BYTE, packedDesc.get_size()));
        packedWeights = new memory(packedDesc, Dnnl.engine(), packed.data().addressPointer());
        if (precision == Precision.INT8) {
            weightScales = new float[out];
            byte[] q = QuantizedKernels.quantizeWeights(w, out, in, weightScales);
            pack(new BytePointer(q), memory.data_type.s8);
        } else {
            weightScales = null;
            pack(new org.bytedeco.javacpp.FloatPointer(w), memory.data_type.f32);
        }
    }

    int outFeatures() {
        return out;
    }

    /** out = x·Wᵀ (no bias), approximately. x: [rows, in]; out: [rows, out]; both whole c-ordered float arrays. */
    void projectInto(INDArray x, INDArray result) {
        int rows = (int) x.rows();
        Kernels.floats(x);
        Kernels.floats(result);
        Kernel kernel = kernel(rows);
        if (kernel.failedProbe) {
            Nd4j.gemm(x, weight, result, false, true, 1.0, 0.0);
            return;
        }
        projectWith(kernel, x, result);
    }

    private void projectWith(Kernel kernel, INDArray x, INDArray result) {
        int rows = (int) x.rows();
        Scratch scratch = SCRATCH.get();
        stream s = Dnnl.stream();
        try (memory dst = new memory(kernel.dstDesc, Dnnl.engine(), result.data().addressPointer());
             IntMemoryMap args = new IntMemoryMap()) {
            if (precision == Precision.INT8) {
                ByteBuffer q = scratch.bytes((long) rows * in);
                float[] rowScales = scratch.floats(rows);
                QuantizedKernels.quantizeRows(Kernels.floats(x), rows, in, q, rowScales);
                try (memory src = new memory(kernel.srcDesc, Dnnl.engine(), new BytePointer(q))) {
                    multiply(kernel, s, args, src, dst);
                }
                QuantizedKernels.scaleRows(Kernels.floats(result), rows, out, rowScales);
            } else {
                ByteBuffer b = scratch.bytes(2L * rows * in);
                try (memory f32 = new memory(kernel.inputDesc, Dnnl.engine(), x.data().addressPointer());
                     memory src = new memory(kernel.srcDesc, Dnnl.engine(), new BytePointer(b));
                     IntMemoryMap convert = new IntMemoryMap()) {
                    convert.put(DNNL_ARG_FROM, f32);
                    convert.put(DNNL_ARG_TO, src);
                    kernel.toBf16.execute(s, convert);
                    multiply(kernel, s, args, src, dst);
                }
            }
        }
    }

    private void multiply(Kernel kernel, stream s, IntMemoryMap args, memory src, memory dst) {
        args.put(DNNL_ARG_SRC, src);
        args.put(DNNL_ARG_WEIGHTS, packedWeights);
        args.put(DNNL_ARG_DST, dst);
        kernel.matmul.execute(s, args);
        s._wait();
    }

    private Kernel kernel(int rows) {
        synchronized (kernels) {
            Kernel k = kernels.get(rows);
            if (k == null) {
                k = Kernel.create(precision, rows, in, out, weightScales);
                if (!k.weightsDesc.equals(packedDesc)) {
                    // Not seen with oneDNN 2.5 (the blocked layout depends on in/out only); refuse rather than misread.
                    throw new IllegalStateException("oneDNN chose another weight layout for " + rows + " rows");
                }
                k.failedProbe = !passesProbe(k, rows);
                if (k.failedProbe) {
                    LOG.warn("oneDNN's {} kernel ({}) for {} rows × {}·{} failed its check; that shape runs in float32",
                            precision, k.implementation, rows, in, out);
                }
                kernels.put(rows, k);
            }
            return k;
        }
    }

    /**
     * Runs the kernel on rows that all hold the probe p[i] = (37i + 11) mod 255 − 127, p[0] = 127, integers
     * exact in int8 and bfloat16 alike, and compares every
     * output row with Σ p[i]·w[o, i] in double, w being the weight as converted (int8 times its scale,
     * or bfloat16): exact products, so only accumulation order separates the two.
     */
    private boolean passesProbe(Kernel kernel, int rows) {
        float[] probe = new float[in];
        for (int i = 0; i < in; i++) {
            probe[i] = (i * 37 + 11) % 255 - 127;
        }
        probe[0] = 127; // so that INT8's row scale is 1 and the probe quantizes to itself
        double[] expected = new double[out];
        double[] magnitude = new double[out];
        float[] w = weight.dup('c').data().asFloat();
        float[] scales = new float[out];
        byte[] q = precision == Precision.INT8 ? QuantizedKernels.quantizeWeights(w, out, in, scales) : null;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double wi = q != null ? (double) q[o * in + i] * scales[o] : QuantizedKernels.bf16(w[o * in + i]);
                expected[o] += probe[i] * wi;
                magnitude[o] += Math.abs(probe[i] * wi);
            }
        }
        float[] x = new float[rows * in];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(probe, 0, x, r * in, in);
        }
        try (INDArray input = Nd4j.create(x, new long[] {rows, in}, 'c');
             INDArray result = Kernels.allocate(rows, out)) {
            kernel.failedProbe = false;
            projectWith(kernel, input, result);
            float[] got = result.data().asFloat();
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double tolerance = 1e-5 * magnitude[o] + 1e-6;
                    if (!(Math.abs(got[r * out + o] - expected[o]) <= tolerance)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private void pack(Pointer plain, memory.data_type type) {
        // The stored [out, in] row-major matrix is the [in, out] operand in column-major ("ba") order.
        memory.desc plainDesc = new memory.desc(new long[] {in, out}, type, memory.format_tag.ba);
        try (memory source = new memory(plainDesc, Dnnl.engine(), plain);
             reorder r = new reorder(source, packedWeights)) {
            stream s = Dnnl.stream();
            r.execute(s, source, packedWeights);
            s._wait();
        }
    }

    /** oneDNN kernels below its optimized ones ("ref", "gemm:jit" for int8 with row-varying scales) are not worth it. */
    private void requireFastKernel(String implementation) {
        boolean fast = precision == Precision.INT8
                ? implementation.contains("vnni") || implementation.contains("amx")
                : implementation.startsWith("brg") || implementation.contains("bf16") || implementation.contains("amx");
        if (!fast) {
            throw unsupported(precision, "oneDNN has only its slow '" + implementation + "' kernel for it", null);
        }
    }

    /** The refusal of a precision this machine cannot run fast: platform, oneDNN's ISA, what is needed. */
    static AlbertException unsupported(Precision precision, String why, Throwable cause) {
        String requirement = precision == Precision.INT8
                ? "INT8 needs x86-64 with AVX-512 VNNI (Intel Cascade Lake or later, AMD Zen 4 or later)"
                : "BF16 needs x86-64 with AVX-512, natively fast with AVX512_BF16 (Intel Cooper Lake/Sapphire Rapids, AMD Zen 4)";
        return new AlbertException("precision " + precision + " is not supported on this machine (" + Dnnl.platform()
                + ", oneDNN CPU ISA " + Dnnl.cpuIsa() + "): " + why + ". " + requirement + "; FP32 runs everywhere.", cause);
    }

    /** One row count's oneDNN primitives and memory layouts. */
    private static final class Kernel {
        final matmul matmul;
        final reorder toBf16;          // BF16: x float32 → bfloat16; INT8: null
        final memory.desc inputDesc;   // [rows, in] float32
        final memory.desc srcDesc;     // [rows, in] s8 or bf16
        final memory.desc dstDesc;     // [rows, out] float32
        final memory.desc weightsDesc; // [in, out] blocked
        final String implementation;
        volatile boolean failedProbe;

        private Kernel(matmul.primitive_desc pd, reorder toBf16, memory.desc inputDesc, memory.desc srcDesc, memory.desc dstDesc) {
            this.matmul = new matmul(pd);
            this.toBf16 = toBf16;
            this.inputDesc = inputDesc;
            this.srcDesc = srcDesc;
            this.dstDesc = dstDesc;
            this.weightsDesc = pd.weights_desc();
            this.implementation = pd.impl_info_str().getString();
        }

        /** weightScales: INT8's per-output-channel scales, built into the kernel (null to probe the layout). */
        static Kernel create(Precision precision, int rows, int in, int out, float[] weightScales) {
            boolean int8 = precision == Precision.INT8;
            memory.data_type type = int8 ? memory.data_type.s8 : memory.data_type.bf16;
            memory.desc input = new memory.desc(new long[] {rows, in}, memory.data_type.f32, memory.format_tag.ab);
            memory.desc src = new memory.desc(new long[] {rows, in}, type, memory.format_tag.ab);
            memory.desc weightsAny = new memory.desc(new long[] {in, out}, type, memory.format_tag.any);
            memory.desc dst = new memory.desc(new long[] {rows, out}, memory.data_type.f32, memory.format_tag.ab);
            try (primitive_attr attr = new primitive_attr()) {
                if (int8) {
                    attr.set_output_scales(1 << 1, weightScales != null ? weightScales : new float[out]);
                }
                matmul.primitive_desc pd = new matmul.primitive_desc(new matmul.desc(src, weightsAny, dst), attr, Dnnl.engine());
                reorder toBf16 = int8 ? null : new reorder(new org.bytedeco.dnnl.reorder.primitive_desc(Dnnl.engine(), input, Dnnl.engine(), src));
                return new Kernel(pd, toBf16, input, src, dst);
            } catch (RuntimeException e) {
                throw unsupported(precision, "oneDNN has no kernel for it (" + e.getMessage() + ")", e);
            }
        }
    }

    /** A thread's reusable activation buffers (grown, never shrunk). */
    private static final class Scratch {
        private ByteBuffer bytes = ByteBuffer.allocateDirect(0);
        private float[] floats = new float[0];

        ByteBuffer bytes(long n) {
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("activation of " + n + " bytes is too large");
            }
            if (bytes.capacity() < n) {
                bytes = ByteBuffer.allocateDirect((int) n);
            }
            return bytes;
        }

        float[] floats(int n) {
            if (floats.length < n) {
                floats = new float[n];
            }
            return floats;
        }
    }
}
