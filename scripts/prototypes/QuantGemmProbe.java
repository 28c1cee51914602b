import java.util.*;
import java.nio.*;
import org.bytedeco.javacpp.*;
import org.bytedeco.dnnl.*;
import static org.bytedeco.dnnl.global.dnnl.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import jdk.incubator.vector.*;

/** Prototype: ALBERT-base linear shapes, ND4J fp32 gemm vs oneDNN int8 / bf16 / fp32 vs Vector API int8; interleaved, medians. */
public final class QuantGemmProbe {
    static engine eng; static stream strm; static final List<Object> KEEP = new ArrayList<>();

    interface Gemm { void run(); }

    public static void main(String[] a) throws Exception {
        int m = Integer.parseInt(a[0]); int reps = Integer.parseInt(a[1]); boolean vec = a.length > 2 && a[2].equals("vec");
        int[][] shapes = {{768, 768}, {768, 2304}, {768, 3072}, {3072, 768}};
        eng = new engine(engine.kind.cpu, 0); strm = new stream(eng);
        System.out.println("dnnl isa " + get_effective_cpu_isa());
        for (int[] s : shapes) bench(m, s[0], s[1], reps, vec);
    }

    static void bench(int m, int k, int n, int reps, boolean vec) {
        Random r = new Random(1);
        float[] xf = new float[m * k], wf = new float[n * k];
        for (int i = 0; i < xf.length; i++) xf[i] = (float) r.nextGaussian();
        for (int i = 0; i < wf.length; i++) wf[i] = (float) (r.nextGaussian() * 0.02);
        INDArray x = Nd4j.create(xf, new long[]{m, k}, 'c');
        INDArray w = Nd4j.create(wf, new long[]{n, k}, 'c');
        INDArray out = Nd4j.create(DataType.FLOAT, new long[]{m, n}, 'c');
        INDArray outq = Nd4j.create(DataType.FLOAT, new long[]{m, n}, 'c');
        INDArray outb = Nd4j.create(DataType.FLOAT, new long[]{m, n}, 'c');
        INDArray outd = Nd4j.create(DataType.FLOAT, new long[]{m, n}, 'c');
        FloatPointer px = (FloatPointer) x.data().addressPointer();

        // ---- int8 weights: per-output-channel symmetric
        float[] sw = new float[n]; byte[] wq = new byte[n * k];
        for (int j = 0; j < n; j++) { float mx = 0; for (int i = 0; i < k; i++) mx = Math.max(mx, Math.abs(wf[j * k + i]));
            sw[j] = mx / 127f; for (int i = 0; i < k; i++) wq[j * k + i] = (byte) Math.round(wf[j * k + i] / sw[j]); }
        boolean u8 = Boolean.getBoolean("u8"); memory.desc srcS8 = new memory.desc(new long[]{m, k}, u8 ? memory.data_type.u8 : memory.data_type.s8, memory.format_tag.ab);
        memory.desc weiAny = new memory.desc(new long[]{k, n}, memory.data_type.s8, memory.format_tag.any);
        memory.desc weiBa = new memory.desc(new long[]{k, n}, memory.data_type.s8, memory.format_tag.ba);
        memory.desc dstF = new memory.desc(new long[]{m, n}, memory.data_type.f32, memory.format_tag.ab);
        primitive_attr attr = new primitive_attr();
        attr.set_output_scales(1 << 1, new float[]{(float) DNNL_RUNTIME_F32_VAL});
        matmul.primitive_desc pd = new matmul.primitive_desc(new matmul.desc(srcS8, weiAny, dstF), attr, eng);
        System.out.println("int8 impl: " + pd.impl_info_str().getString() + " wei fmt size " + pd.weights_desc().get_size());
        BytePointer wqp = new BytePointer(wq);
        memory weiPlain = new memory(weiBa, eng, wqp);
        memory weiPacked = new memory(pd.weights_desc(), eng);
        new reorder(weiPlain, weiPacked).execute(strm, weiPlain, weiPacked); strm._wait();
        BytePointer xq = new BytePointer((long) m * k);
        float[] sa = new float[m];
        memory srcMem = new memory(srcS8, eng, xq);
        memory dstMem = new memory(dstF, eng, outq.data().addressPointer());
        FloatPointer swp = new FloatPointer(sw);
        memory scMem = new memory(new memory.desc(new long[]{n}, memory.data_type.f32, memory.format_tag.a), eng, swp);
        primitive_attr attrC = new primitive_attr();
        attrC.set_output_scales(1 << 1, sw);
        matmul.primitive_desc pdC = new matmul.primitive_desc(new matmul.desc(srcS8, weiAny, dstF), attrC, eng);
        System.out.println("int8 const-scale impl: " + pdC.impl_info_str().getString() + " same wei fmt " + pdC.weights_desc().equals(pd.weights_desc()));
        memory weiPackedC = new memory(pdC.weights_desc(), eng);
        new reorder(weiPlain, weiPackedC).execute(strm, weiPlain, weiPackedC); strm._wait();
        matmul mmC = new matmul(pdC);
        IntMemoryMap argsC = new IntMemoryMap();
        argsC.put(DNNL_ARG_SRC, srcMem); argsC.put(DNNL_ARG_WEIGHTS, weiPackedC); argsC.put(DNNL_ARG_DST, dstMem);
        matmul mmI8 = new matmul(pd);
        IntMemoryMap argsI8 = new IntMemoryMap();
        argsI8.put(DNNL_ARG_SRC, srcMem); argsI8.put(DNNL_ARG_WEIGHTS, weiPacked); argsI8.put(DNNL_ARG_DST, dstMem);
        argsI8.put(DNNL_ARG_ATTR_OUTPUT_SCALES, scMem);
        FloatBuffer xin = new FloatPointer(px).capacity((long) m * k).asBuffer(); FloatBuffer oq = new FloatPointer(outq.data().addressPointer()).capacity((long) m * n).asBuffer();
        ByteBuffer xqb = xq.capacity((long) m * k).asBuffer();
        float[] row = new float[k]; float[] orow = new float[n];
        Runnable quant = () -> {
            for (int i = 0; i < m; i++) { xin.get(i * k, row); float mx = 0; for (int c = 0; c < k; c++) mx = Math.max(mx, Math.abs(row[c]));
                float s = mx == 0 ? 1 : mx / 127f; sa[i] = s; float inv = 1 / s; 
                for (int c = 0; c < k; c++) xqb.put(i * k + c, (byte) (Math.round(row[c] * inv) + (u8 ? 128 : 0))); }
        };
        Runnable post = () -> { for (int i = 0; i < m; i++) { oq.get(i * n, orow); float s = sa[i]; for (int c = 0; c < n; c++) orow[c] *= s; oq.put(i * n, orow); } };
        Gemm int8 = () -> { quant.run(); mmI8.execute(strm, argsI8); strm._wait(); post.run(); };
        Gemm int8c = () -> { quant.run(); mmC.execute(strm, argsC); strm._wait(); post.run(); };
        Gemm int8mmOnly = () -> { mmC.execute(strm, argsC); strm._wait(); };
        Gemm quantOnly = () -> { quant.run(); post.run(); };
        // ---- bf16: reorder f32->bf16 src, bf16 x bf16 -> f32
        memory.desc srcF = new memory.desc(new long[]{m, k}, memory.data_type.f32, memory.format_tag.ab);
        memory.desc srcB = new memory.desc(new long[]{m, k}, memory.data_type.bf16, memory.format_tag.ab);
        memory.desc weiBAny = new memory.desc(new long[]{k, n}, memory.data_type.bf16, memory.format_tag.any);
        memory.desc weiFBa = new memory.desc(new long[]{k, n}, memory.data_type.f32, memory.format_tag.ba);
        matmul.primitive_desc pdB = new matmul.primitive_desc(new matmul.desc(srcB, weiBAny, dstF), eng);
        System.out.println("bf16 impl: " + pdB.impl_info_str().getString());
        memory wF = new memory(weiFBa, eng, w.data().addressPointer());
        memory wB = new memory(pdB.weights_desc(), eng);
        new reorder(wF, wB).execute(strm, wF, wB); strm._wait();
        memory xF = new memory(srcF, eng, px);
        memory xB = new memory(srcB, eng);
        reorder toB = new reorder(xF, xB);
        memory dstB = new memory(dstF, eng, outb.data().addressPointer());
        matmul mmB = new matmul(pdB);
        IntMemoryMap argsB = new IntMemoryMap();
        argsB.put(DNNL_ARG_SRC, xB); argsB.put(DNNL_ARG_WEIGHTS, wB); argsB.put(DNNL_ARG_DST, dstB);
        Gemm bf16 = () -> { toB.execute(strm, xF, xB); mmB.execute(strm, argsB); strm._wait(); };
        // ---- oneDNN fp32 with packed weights
        memory.desc weiFAny = new memory.desc(new long[]{k, n}, memory.data_type.f32, memory.format_tag.any);
        matmul.primitive_desc pdF = new matmul.primitive_desc(new matmul.desc(srcF, weiFAny, dstF), eng);
        System.out.println("f32 impl: " + pdF.impl_info_str().getString());
        memory wFP = new memory(pdF.weights_desc(), eng);
        new reorder(wF, wFP).execute(strm, wF, wFP); strm._wait();
        matmul mmF = new matmul(pdF);
        IntMemoryMap argsF = new IntMemoryMap();
        argsF.put(DNNL_ARG_SRC, xF); argsF.put(DNNL_ARG_WEIGHTS, wFP); argsF.put(DNNL_ARG_DST, new memory(dstF, eng, outd.data().addressPointer()));
        Gemm dnnlF32 = () -> { mmF.execute(strm, argsF); strm._wait(); };
        Gemm nd4j = () -> Nd4j.gemm(x, w, out, false, true, 1.0, 0.0);

        KEEP.addAll(List.of(x, w, out, outq, outb, outd, wqp, weiPlain, weiPacked, xq, srcMem, dstMem, swp, scMem, mmI8, argsI8, weiPackedC, mmC, argsC, wF, wB, xF, xB, toB, dstB, mmB, argsB, wFP, mmF, argsF, pd, pdC, pdB, pdF));
        List<String> names = new ArrayList<>(List.of("nd4j-fp32", "dnnl-int8(rt scales)", "dnnl-int8(const scales)", "  of which matmul", "  of which quant+post (java)",  "dnnl-bf16", "dnnl-fp32"));
        List<Gemm> gs = new ArrayList<>(List.of(nd4j, int8, int8c, int8mmOnly, quantOnly, bf16, dnnlF32));
        if (vec && n == 768 && k == 768) { VecInt8 v = new VecInt8(m, k, n, wq, sw, xf); names.add("vector-int8"); gs.add(v::run);
                   VecF32 vf = new VecF32(m, k, n, wf, xf); names.add("vector-fp32"); gs.add(vf::run); }
        for (Gemm g : gs) g.run(); // warm
        // accuracy vs nd4j
                int8c.run();
        for (INDArray o : List.of(outq, outb, outd)) {
            double md = o.sub(out).amaxNumber().doubleValue(); double mo = out.amaxNumber().doubleValue();
            System.out.printf("  max|d| %.4g (of max %.3g)%n", md, mo);
        }
        long[][] t = new long[gs.size()][reps];
        for (int rep = 0; rep < reps; rep++) for (int g = 0; g < gs.size(); g++) { long t0 = System.nanoTime(); gs.get(g).run(); t[g][rep] = System.nanoTime() - t0; }
        double base = median(t[0]);
        StringBuilder sb = new StringBuilder(String.format("M=%d K=%d N=%d:", m, k, n));
        for (int g = 0; g < gs.size(); g++) { double med = median(t[g]);
            sb.append(String.format(" | %s %.2f ms (%.0f GF/s, %.2fx)", names.get(g), med / 1e6, 2.0 * m * n * k / med, base / med)); }
        System.out.println(sb);
    }

    static double median(long[] v) { long[] c = v.clone(); Arrays.sort(c); return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0; }

    /** Vector API int8: widen bytes to ints, multiply, accumulate (JDK 17 has no dot-product op). Single thread. */
    static final class VecInt8 {
        static final VectorSpecies<Byte> B = ByteVector.SPECIES_128; static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
        final int m, k, n; final byte[] wq, xq; final float[] sw, xf, o; final float[] sa;
        VecInt8(int m, int k, int n, byte[] wq, float[] sw, float[] xf) { this.m = m; this.k = k; this.n = n; this.wq = wq; this.sw = sw; this.xf = xf; xq = new byte[m * k]; sa = new float[m]; o = new float[m * n]; }
        void run() {
            for (int i = 0; i < m; i++) { float mx = 0; for (int c = 0; c < k; c++) mx = Math.max(mx, Math.abs(xf[i * k + c])); float s = mx == 0 ? 1 : mx / 127f; sa[i] = s;
                for (int c = 0; c < k; c++) xq[i * k + c] = (byte) Math.round(xf[i * k + c] / s); }
            for (int i = 0; i < m; i += 4) for (int j = 0; j < n; j++) {
                IntVector a0 = IntVector.zero(I), a1 = a0, a2 = a0, a3 = a0;
                for (int c = 0; c < k; c += 16) {
                    IntVector wv = (IntVector) ByteVector.fromArray(B, wq, j * k + c).convertShape(VectorOperators.B2I, I, 0);
                    a0 = a0.add(wv.mul((IntVector) ByteVector.fromArray(B, xq, i * k + c).convertShape(VectorOperators.B2I, I, 0)));
                    a1 = a1.add(wv.mul((IntVector) ByteVector.fromArray(B, xq, (i + 1) * k + c).convertShape(VectorOperators.B2I, I, 0)));
                    a2 = a2.add(wv.mul((IntVector) ByteVector.fromArray(B, xq, (i + 2) * k + c).convertShape(VectorOperators.B2I, I, 0)));
                    a3 = a3.add(wv.mul((IntVector) ByteVector.fromArray(B, xq, (i + 3) * k + c).convertShape(VectorOperators.B2I, I, 0)));
                }
                o[i * n + j] = a0.reduceLanes(VectorOperators.ADD) * sa[i] * sw[j];
                o[(i + 1) * n + j] = a1.reduceLanes(VectorOperators.ADD) * sa[i + 1] * sw[j];
                o[(i + 2) * n + j] = a2.reduceLanes(VectorOperators.ADD) * sa[i + 2] * sw[j];
                o[(i + 3) * n + j] = a3.reduceLanes(VectorOperators.ADD) * sa[i + 3] * sw[j];
            }
        }
    }
    /** Vector API fp32 FMA, 4 rows x 1 col register block (naive, for scale). Single thread. */
    static final class VecF32 {
        static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
        final int m, k, n; final float[] w, x, o;
        VecF32(int m, int k, int n, float[] w, float[] x) { this.m = m; this.k = k; this.n = n; this.w = w; this.x = x; o = new float[m * n]; }
        void run() {
            for (int i = 0; i < m; i += 4) for (int j = 0; j < n; j++) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                for (int c = 0; c < k; c += 16) { FloatVector wv = FloatVector.fromArray(F, w, j * k + c);
                    a0 = FloatVector.fromArray(F, x, i * k + c).fma(wv, a0); a1 = FloatVector.fromArray(F, x, (i + 1) * k + c).fma(wv, a1);
                    a2 = FloatVector.fromArray(F, x, (i + 2) * k + c).fma(wv, a2); a3 = FloatVector.fromArray(F, x, (i + 3) * k + c).fma(wv, a3); }
                o[i * n + j] = a0.reduceLanes(VectorOperators.ADD); o[(i + 1) * n + j] = a1.reduceLanes(VectorOperators.ADD);
                o[(i + 2) * n + j] = a2.reduceLanes(VectorOperators.ADD); o[(i + 3) * n + j] = a3.reduceLanes(VectorOperators.ADD);
            }
        }
    }
}
