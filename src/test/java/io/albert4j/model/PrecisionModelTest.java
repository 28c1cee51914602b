package io.albert4j.model;

import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model loaded in reduced precision: close to its float32 outputs (and not identical to them:
 * the reduced path really runs), the default still float32, thread-safe like a float32 model, and a
 * machine without the instructions refused with a message naming the platform.
 */
class PrecisionModelTest {
    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"INT8", "BF16"})
    void reducedPrecisionStaysCloseToFloat32(Precision precision) {
        Path dir = Fixtures.modelDir("albert-tiny-maskedlm");
        AlbertInput input = randomInput(12, 2, 40, 30000);
        try (AlbertModel fp32 = AlbertModel.load(dir);
             AlbertModel reduced = AlbertModel.load(dir, null, precision)) {
            float[] expected = fp32.forward(input).lastHiddenState().dup('c').data().asFloat();
            float[] got = reduced.forward(input).lastHiddenState().dup('c').data().asFloat();
            double maxDev = 0;
            double maxAbs = 0;
            for (int i = 0; i < expected.length; i++) {
                maxDev = Math.max(maxDev, Math.abs(expected[i] - got[i]));
                maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            }
            assertTrue(maxDev > 0, "the reduced path must actually run");
            // LayerNorm'd hidden states of order 1: int8 and bf16 stay within a few hundredths (measured ~0.01-0.03)
            assertTrue(maxDev < 0.1, precision + " deviates by " + maxDev + " (outputs up to " + maxAbs + ")");
        }
    }

    @Test
    void loadWithoutPrecisionIsFloat32() {
        Path dir = Fixtures.modelDir("albert-tiny-maskedlm");
        AlbertInput input = randomInput(5, 1, 9, 30000);
        try (AlbertModel implicit = AlbertModel.load(dir);
             AlbertModel explicit = AlbertModel.load(dir, null, Precision.FP32);
             AlbertModel int8 = AlbertModel.load(dir, null, Precision.INT8)) {
            float[] a = implicit.forward(input).lastHiddenState().dup('c').data().asFloat();
            assertArrayEquals(a, explicit.forward(input).lastHiddenState().dup('c').data().asFloat());
            assertNotEquals(a[0], int8.forward(input).lastHiddenState().dup('c').data().asFloat()[0]);
        }
    }

    @Test
    void nullPrecisionIsRefused() {
        assertThrows(NullPointerException.class, () -> AlbertModel.load(Fixtures.modelDir("albert-tiny-maskedlm"), null, null));
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"INT8", "BF16"})
    void fourThreadsMatchOneThread(Precision precision) throws Exception {
        try (AlbertModel model = AlbertModel.load(Fixtures.modelDir("albert-tiny-maskedlm"), null, precision)) {
            List<AlbertInput> inputs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                inputs.add(randomInput(i, 1 + i % 3, 5 + (i * 7) % 30, 30000));
            }
            List<float[]> expected = new ArrayList<>();
            for (AlbertInput input : inputs) {
                expected.add(model.forward(input).lastHiddenState().dup('c').data().asFloat());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> futures = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (AlbertInput input : inputs) {
                        futures.add(pool.submit(() -> model.forward(input).lastHiddenState().dup('c').data().asFloat()));
                    }
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertArrayEquals(expected.get(i % inputs.size()), futures.get(i).get(60, TimeUnit.SECONDS), "input " + i % inputs.size());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * oneDNN limited to AVX2 (DNNL_MAX_CPU_ISA, in a child JVM) stands for a CPU without AVX-512:
     * both reduced precisions are refused at load, naming the platform, the ISA and the requirement.
     */
    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"INT8", "BF16"})
    void aCpuWithoutTheInstructionsIsRefusedClearly(Precision precision) throws Exception {
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), UnsupportedPrecisionMain.class.getName(),
                Fixtures.modelDir("albert-tiny-maskedlm").toString(), precision.name())
                .redirectErrorStream(true);
        child.environment().put("DNNL_MAX_CPU_ISA", "AVX2");
        Process p = child.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("REFUSED: precision " + precision + " is not supported on this machine (linux-x86_64, oneDNN CPU ISA"), output);
        assertTrue(output.contains(precision == Precision.INT8 ? "AVX-512 VNNI" : "AVX-512"), output);
        assertTrue(output.contains("FP32 runs everywhere"), output);
    }

    /** The child of {@link #aCpuWithoutTheInstructionsIsRefusedClearly}: prints the refusal, or fails. */
    public static final class UnsupportedPrecisionMain {
        public static void main(String[] args) {
            try (AlbertModel model = AlbertModel.load(Path.of(args[0]), null, Precision.valueOf(args[1]))) {
                System.out.println("LOADED (not refused)");
                System.exit(1);
            } catch (AlbertException e) {
                System.out.println("REFUSED: " + e.getMessage());
            }
        }
    }

    private static AlbertInput randomInput(long seed, int batch, int seq, int vocab) {
        Random random = new Random(seed);
        int[][] ids = new int[batch][seq];
        int[][] types = new int[batch][seq];
        int[][] mask = new int[batch][seq];
        for (int b = 0; b < batch; b++) {
            int length = b == 0 ? seq : 1 + random.nextInt(seq);
            for (int s = 0; s < seq; s++) {
                ids[b][s] = s < length ? 5 + random.nextInt(vocab - 5) : 0;
                mask[b][s] = s < length ? 1 : 0;
            }
        }
        return AlbertInput.of(ids, types, mask);
    }
}
