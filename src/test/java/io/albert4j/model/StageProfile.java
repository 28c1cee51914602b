package io.albert4j.model;

import io.albert4j.config.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Ad-hoc timing of each stage of one layer at a given shape: {@code StageProfile batch seq reps}. */
public final class StageProfile {
    public static void main(String[] a) {
        int batch = Integer.parseInt(a[0]);
        int seq = Integer.parseInt(a[1]);
        int reps = Integer.parseInt(a[2]);
        int rows = batch * seq, h = 768, inter = 3072, heads = 12, hs = 64;
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, rows, h).subi(0.5).dup('c');
        INDArray wqkv = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3 * h, h).subi(0.5).muli(0.05).dup('c');
        INDArray w1 = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, inter, h).subi(0.5).muli(0.05).dup('c');
        INDArray w2 = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, h, inter).subi(0.5).muli(0.05).dup('c');
        float[] b1 = new float[inter];
        float[] bh = new float[h];
        float[] g = new float[h];
        java.util.Arrays.fill(g, 1f);
        float[][] mask = new float[batch][seq];
        Linear qkv = new Linear(wqkv, new float[3 * h]);
        for (int it = 0; it < 3; it++) {
            long t0 = System.nanoTime();
            INDArray q = null;
            for (int r = 0; r < reps; r++) q = qkv.project(x);
            long t1 = System.nanoTime();
            INDArray split = null;
            for (int r = 0; r < reps; r++) split = q.reshape('c', batch, seq, 3, heads, hs).permute(2, 0, 3, 1, 4).dup('c');
            long t2 = System.nanoTime();
            INDArray qq = split.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)).reshape('c', (long) batch * heads, seq, hs);
            INDArray scores = Kernels.allocate((long) batch * heads, seq, seq);
            for (int r = 0; r < reps; r++) Nd4j.matmul(qq, qq, scores, false, true, false);
            long t3 = System.nanoTime();
            for (int r = 0; r < reps; r++) Kernels.maskedSoftmax(scores, mask, heads, 0.125f);
            long t4 = System.nanoTime();
            INDArray ctx = Kernels.allocate((long) batch * heads, seq, hs);
            for (int r = 0; r < reps; r++) Nd4j.matmul(scores, qq, ctx, false, false, false);
            long t5 = System.nanoTime();
            INDArray merged = null;
            for (int r = 0; r < reps; r++) merged = ctx.reshape('c', batch, heads, seq, hs).permute(0, 2, 1, 3).dup('c').reshape('c', rows, h);
            long t6 = System.nanoTime();
            INDArray out = Kernels.allocate(rows, h);
            for (int r = 0; r < reps; r++) Kernels.addBiasResidualLayerNorm(out.dup(), bh, x, g, bh, 1e-12f, out);
            long t7 = System.nanoTime();
            INDArray inner = null;
            for (int r = 0; r < reps; r++) inner = new Linear(w1, b1).project(x);
            long t8 = System.nanoTime();
            for (int r = 0; r < reps; r++) Kernels.addBiasActivation(inner, b1, Activation.GELU_NEW);
            long t9 = System.nanoTime();
            INDArray o2 = null;
            for (int r = 0; r < reps; r++) o2 = new Linear(w2, bh).project(inner);
            long t10 = System.nanoTime();
            double d = reps * 1e6;
            System.out.printf("qkv %.2f | split %.2f | scores %.2f | softmax %.2f | ctx %.2f | merge %.2f | ln %.2f | ffn1 %.2f | gelu %.2f | ffn2 %.2f ms%n",
                    (t1 - t0) / d, (t2 - t1) / d, (t3 - t2) / d, (t4 - t3) / d, (t5 - t4) / d, (t6 - t5) / d, (t7 - t6) / d,
                    (t8 - t7) / d, (t9 - t8) / d, (t10 - t9) / d);
        }
    }
}
