package io.albert4j.model;

import io.albert4j.Fixtures;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** close() frees the weights at once; racing forward passes finish or fail clearly, never touch freed memory. */
class ModelCloseTest {
    private static final int[][] IDS = {{2, 13, 14, 15, 16, 17, 18, 4, 3}};

    @Test
    void closeFreesEveryWeightAtOnce() {
        AlbertModel model = AlbertModel.load(Fixtures.modelDir("albert-tiny-maskedlm"));
        assertTrue(model.ownedArrays().size() > 10, model.ownedArrays().size() + " arrays");
        assertTrue(model.ownedArrays().stream().noneMatch(INDArray::wasClosed));
        model.forward(AlbertInput.of(IDS));
        model.close();
        assertTrue(model.ownedArrays().stream().allMatch(INDArray::wasClosed));
        model.close(); // idempotent
    }

    @Test
    void forwardAfterCloseIsAClearError() {
        AlbertModel model = AlbertModel.load(Fixtures.modelDir("albert-tiny-maskedlm"));
        AlbertOutput out = model.forward(AlbertInput.of(IDS));
        model.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.forward(AlbertInput.of(IDS)));
        assertEquals("model is closed", e.getMessage());
        // masked-LM logits are computed lazily from the weights: refused too, not read from freed memory
        assertThrows(IllegalStateException.class, () -> out.predictionLogits(0, 1));
        assertThrows(IllegalStateException.class, model::releaseWorkspace);
    }

    /** Close while other threads run forward passes: each pass completes or fails with "model is closed". */
    @RepeatedTest(10)
    void closeDuringForwardIsSafe() throws InterruptedException {
        AlbertModel model = AlbertModel.load(Fixtures.modelDir("albert-tiny-maskedlm"));
        float expected = model.forward(AlbertInput.of(IDS)).predictionLogits(0, 1).getFloat(5);
        AtomicInteger completed = new AtomicInteger();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        CountDownLatch running = new CountDownLatch(3);
        Thread[] threads = new Thread[3];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                running.countDown();
                try {
                    while (true) {
                        float v = model.forward(AlbertInput.of(IDS)).predictionLogits(0, 1).getFloat(5);
                        if (v != expected) {
                            throw new AssertionError("forward pass gave " + v + ", expected " + expected);
                        }
                        completed.incrementAndGet();
                    }
                } catch (IllegalStateException e) {
                    if (!e.getMessage().equals("model is closed")) {
                        unexpected.set(e);
                    }
                } catch (Throwable e) {
                    unexpected.set(e);
                }
            });
            threads[t].start();
        }
        running.await();
        while (completed.get() < 3 && unexpected.get() == null) {
            Thread.sleep(1);
        }
        model.close();
        for (Thread t : threads) {
            t.join(30_000);
            assertFalse(t.isAlive());
        }
        assertNull(unexpected.get());
        assertTrue(completed.get() > 0);
        assertTrue(model.ownedArrays().stream().allMatch(INDArray::wasClosed));
    }
}
