package io.albert4j.model;

import io.albert4j.config.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ad-hoc per-stage timing of one albert-base layer (random weights):
 * {@code java -cp ... io.albert4j.model.StageProfile BATCH SEQ REPS}. Prints ms per stage, alternating
 * the implementation before the performance work ({@link LegacyKernels}) and the current one.
 */
public final class StageProfile {
    public static void main(String[] a) {
        int batch = Integer.parseInt(a[0]);
        int seq = Integer.parseInt(a[1]);
        int reps = Integer.parseInt(a[2]);
        int rows = batch * seq, h = 768, inter = 3072, heads = 12, hs = 64;
        INDArray x = rand(rows, h, 1f);
        Linear qkv = new Linear(rand(3 * h, h, 0.05f), new float[3 * h]);
        Linear dense = new Linear(rand(h, h, 0.05f), new float[h]);
        Linear ffn = new Linear(rand(inter, h, 0.05f), new float[inter]);
        Linear ffnOut = new Linear(rand(h, inter, 0.05f), new float[h]);
        float[] g = new float[h];
        Arrays.fill(g, 1f);
        float[] zero = new float[h];
        float[][] mask = new float[batch][seq];
        Workspace ws = new Workspace();
        INDArray q = ws.get("qkv", rows, 3 * h);
        INDArray query = ws.get("query", (long) batch * heads, seq, hs);
        INDArray key = ws.get("key", (long) batch * heads, seq, hs);
        INDArray value = ws.get("value", (long) batch * heads, seq, hs);
        INDArray scores = ws.get("scores", (long) batch * heads, seq, seq);
        INDArray ctx = ws.get("context", (long) batch * heads, seq, hs);
        INDArray merged = ws.get("merged", rows, h);
        INDArray proj = ws.get("projected", rows, h);
        INDArray att = ws.get("attended", rows, h);
        INDArray inner = ws.get("inner", rows, inter);
        INDArray out = ws.get("out", rows, h);
        Map<String, Runnable> stages = new LinkedHashMap<>();
        stages.put("qkv", () -> qkv.projectInto(x, q));
        stages.put("bias", () -> Kernels.addBias(q, qkv.bias));
        stages.put("attention", () -> Kernels.attention(q, mask, 0, batch, heads, hs, 0.125f, scores, merged));
        stages.put("dense", () -> dense.projectInto(merged, proj));
        stages.put("ln1", () -> Kernels.addBiasResidualLayerNorm(proj, zero, x, g, zero, 1e-12f, att));
        stages.put("ffn1", () -> ffn.projectInto(att, inner));
        stages.put("gelu", () -> Kernels.addBiasActivation(inner, ffn.bias, Activation.GELU_NEW));
        stages.put("ffn2", () -> ffnOut.projectInto(inner, out));
        stages.put("ln2", () -> Kernels.addBiasResidualLayerNorm(out, zero, att, g, zero, 1e-12f, out));
        // Before the performance work (commit 5ac30ef), stage by stage: fresh arrays per op,
        // ND4J permute + dup for the head split and merge, the scalar FloatBuffer kernels.
        Map<String, Runnable> legacy = new LinkedHashMap<>();
        INDArray[] keep = new INDArray[4];
        legacy.put("qkv", () -> keep[0] = qkv.forward(x));
        legacy.put("split", () -> keep[1] = keep[0].reshape('c', batch, seq, 3, heads, hs).permute(2, 0, 3, 1, 4).dup('c'));
        legacy.put("scores", () -> Nd4j.matmul(query, key, scores, false, true, false));
        legacy.put("softmax", () -> LegacyKernels.maskedSoftmax(scores, mask, heads, 0.125f));
        legacy.put("ctx", () -> Nd4j.matmul(scores, value, ctx, false, false, false));
        legacy.put("merge", () -> keep[2] = ctx.reshape('c', batch, heads, seq, hs).permute(0, 2, 1, 3).dup('c').reshape('c', rows, h));
        legacy.put("dense", () -> keep[3] = dense.project(merged));
        legacy.put("ln1", () -> LegacyKernels.addBiasResidualLayerNorm(proj, zero, x, g, zero, 1e-12f, Kernels.allocate(rows, h)));
        legacy.put("ffn1", () -> keep[0] = ffn.project(att));
        legacy.put("gelu", () -> LegacyKernels.addBiasActivation(inner, ffn.bias, Activation.GELU_NEW));
        legacy.put("ffn2", () -> keep[1] = ffnOut.project(inner));
        legacy.put("ln2", () -> LegacyKernels.addBiasResidualLayerNorm(out, zero, att, g, zero, 1e-12f, out));
        for (int it = 0; it < 10; it++) {
            boolean old = it % 2 == 0;
            StringBuilder line = new StringBuilder(old ? "before " : "after  ");
            double total = 0;
            for (Map.Entry<String, Runnable> e : (old ? legacy : stages).entrySet()) {
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    e.getValue().run();
                }
                double ms = (System.nanoTime() - t0) / (reps * 1e6);
                total += ms;
                line.append(String.format("%s %.2f | ", e.getKey(), ms));
            }
            System.out.println(line.append(String.format("layer %.2f ms", total)));
        }
    }

    private static INDArray rand(int r, int c, float scale) {
        return Nd4j.rand(DataType.FLOAT, r, c).subi(0.5).muli(scale).dup('c');
    }
}
