package io.albert4j.model;

import io.albert4j.Fixtures;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A load/forward/close loop on albert-base-random (the albert-base-v2 shape, 45 MB of weights) keeps
 * the process's resident memory flat: close() frees the weights and the activation buffers at once
 * instead of leaving them to the garbage collector. Runs in the shared-fixtures profile (pom.xml).
 */
class ModelCloseSharedFixtureTest {
    private static final int CYCLES = 100;
    private static final int WARM_UP = 10;
    private static final long LIMIT_BYTES = 100L << 20;

    @Test
    void loadCloseLoopKeepsResidentMemoryFlat() {
        Path dir = Fixtures.sharedBaseRandom();
        int[][] ids = new int[1][32];
        for (int i = 0; i < ids[0].length; i++) {
            ids[0][i] = i == 0 ? 2 : i == ids[0].length - 1 ? 3 : 100 + i;
        }
        long warm = 0;
        long highest = 0;
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            try (AlbertModel model = AlbertModel.load(dir)) {
                model.forward(AlbertInput.of(ids));
            }
            System.gc(); // the Java heap's garbage is not what this measures; off-heap memory is
            long rss = Pointer.physicalBytes();
            if (cycle == WARM_UP) {
                warm = rss;
            } else if (cycle > WARM_UP) {
                highest = Math.max(highest, rss);
            }
        }
        long growth = highest - warm;
        System.out.printf("load/forward/close x%d on albert-base-random: RSS %d MB after %d cycles, at most %d MB after%n",
                CYCLES, warm >> 20, WARM_UP, highest >> 20);
        assertTrue(growth < LIMIT_BYTES, "RSS grew by " + (growth >> 20) + " MB over " + (CYCLES - WARM_UP)
                + " cycles (from " + (warm >> 20) + " MB); the limit is " + (LIMIT_BYTES >> 20) + " MB");
        assertTrue(Arrays.stream(ids[0]).allMatch(i -> i > 0));
    }
}
