package io.albert4j.model;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Ad-hoc: {@code GemmProbe ROWS OUT REPS}: Nd4j.gemm with a transpose flag on an [out, 768] weight vs.
 * a pre-transposed weight vs. cblas_sgemm directly vs. {@link Linear#projectInto}.
 */
public final class GemmProbe {
    public static void main(String[] a) {
        int m = Integer.parseInt(a[0]), k = 768, n = Integer.parseInt(a[1]), reps = Integer.parseInt(a[2]);
        INDArray x = Nd4j.rand(DataType.FLOAT, m, k).dup('c');
        INDArray w = Nd4j.rand(DataType.FLOAT, n, k).dup('c');
        INDArray wt = w.transpose().dup('c');
        INDArray out = Kernels.allocate(m, n);
        FloatPointer px = (FloatPointer) x.data().addressPointer();
        FloatPointer pw = (FloatPointer) w.data().addressPointer();
        FloatPointer po = (FloatPointer) out.data().addressPointer();
        for (int it = 0; it < 5; it++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) Nd4j.gemm(x, w, out, false, true, 1.0, 0.0);
            long t1 = System.nanoTime();
            for (int r = 0; r < reps; r++) Nd4j.gemm(x, wt, out, false, false, 1.0, 0.0);
            long t2 = System.nanoTime();
            for (int r = 0; r < reps; r++) openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasTrans, m, n, k, 1f, px, k, pw, k, 0f, po, n);
            long t3 = System.nanoTime();
            Linear linear = new Linear(w, new float[n]);
            for (int r = 0; r < reps; r++) linear.projectInto(x, out);
            long t4 = System.nanoTime();
            double f = 2.0 * m * n * k * reps;
            System.out.printf("m=%d n=%d: gemm(transB) %.3f ms %.0f GF/s | gemm(pre-transposed) %.3f ms %.0f GF/s | cblas transB %.3f ms %.0f GF/s | Linear.projectInto %.3f ms %.0f GF/s%n",
                    m, n, (t1 - t0) / 1e6 / reps, f / (t1 - t0), (t2 - t1) / 1e6 / reps, f / (t2 - t1), (t3 - t2) / 1e6 / reps, f / (t3 - t2),
                    (t4 - t3) / 1e6 / reps, f / (t4 - t3));
        }
    }
}
