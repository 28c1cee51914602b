package io.albert4j.model;

import io.albert4j.config.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-stage timing of one albert-base layer (random weights), the kernels {@link AlbertLayer} runs:
 * {@code scripts/profile.sh BATCH SEQ REPS} (or {@code java -cp ... io.albert4j.model.StageProfile
 * BATCH SEQ REPS}). Prints ms per stage and per layer application, ten lines (the first ones warm up).
 * The layer before the performance work (commit 5ac30ef) is in git history (LegacyKernels, removed
 * with the move out of the test tree).
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
        float[][] mask = new float[batch][seq]; // additive mask of an all-ones attention mask
        Workspace ws = new Workspace();
        INDArray q = ws.get("qkv", rows, 3 * h);
        INDArray scores = ws.get("scores", (long) batch * heads, seq, seq);
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
        for (int it = 0; it < 10; it++) {
            StringBuilder line = new StringBuilder("stages ");
            double total = 0;
            for (Map.Entry<String, Runnable> e : stages.entrySet()) {
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
