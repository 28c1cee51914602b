package io.albert4j.model;

import io.albert4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The thread-safety contract: one loaded model shared by 8 threads running forward passes
 * concurrently (different shapes and paddings, so the per-thread workspaces are resized and
 * reused) gives exactly the results of one thread running them alone.
 */
class ConcurrentForwardTest {
    @Test
    void eightThreadsMatchOneThread() throws Exception {
        try (AlbertModel model = AlbertModel.load(Fixtures.modelDir("albert-tiny-maskedlm"))) {
            List<AlbertInput> inputs = new ArrayList<>();
            Random random = new Random(3);
            int vocab = model.config().vocabSize();
            for (int i = 0; i < 16; i++) {
                int batch = 1 + i % 3;
                int seq = 4 + (i * 5) % 17;
                int[][] ids = new int[batch][seq];
                int[][] types = new int[batch][seq];
                int[][] mask = new int[batch][seq];
                for (int b = 0; b < batch; b++) {
                    int length = b == 0 ? seq : 1 + random.nextInt(seq);
                    for (int s = 0; s < seq; s++) {
                        ids[b][s] = s < length ? 5 + random.nextInt(vocab - 5) : 0;
                        types[b][s] = s < length / 2 ? 0 : 1;
                        mask[b][s] = s < length ? 1 : 0;
                    }
                }
                inputs.add(AlbertInput.of(ids, types, mask));
            }
            List<float[]> expected = new ArrayList<>();
            for (AlbertInput input : inputs) {
                expected.add(flat(model.forward(input).lastHiddenState()));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int offset = t;
                    futures.add(pool.submit((Callable<Void>) () -> {
                        for (int round = 0; round < 4; round++) {
                            for (int k = 0; k < inputs.size(); k++) {
                                int i = (k + offset + round) % inputs.size();
                                float[] got = flat(model.forward(inputs.get(i)).lastHiddenState());
                                assertArrayEquals(expected.get(i), got, "input " + i + " on thread " + offset);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').data().asFloat();
    }
}
