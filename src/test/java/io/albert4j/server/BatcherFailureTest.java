package io.albert4j.server;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An OutOfMemoryError or any unexpected exception in a forward pass fails that request only (the
 * server answers it 500 with a generic message) and the batching thread keeps serving.
 */
class BatcherFailureTest {
    private record Failing(Throwable failure) implements Runner<String, String> {
        @Override
        public List<String> run(List<String> inputs) {
            if (failure instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) failure;
        }
    }

    private record Echo() implements Runner<String, String> {
        @Override
        public List<String> run(List<String> inputs) {
            return inputs;
        }
    }

    @Test
    void theBatcherSurvivesOutOfMemoryAndBugs() throws Exception {
        try (Batcher batcher = new Batcher(8, 4, 1024, 0, new Counters())) {
            for (Throwable failure : new Throwable[]{new OutOfMemoryError("Java heap space"), new IllegalStateException("bug"),
                    new StackOverflowError()}) {
                Batcher.Work bad = new Batcher.Work(new Job<>(new Failing(failure), List.of("x"), r -> null));
                assertTrue(batcher.offer(bad));
                ExecutionException e = assertThrows(ExecutionException.class, () -> bad.result.get(10, TimeUnit.SECONDS));
                assertInstanceOf(failure.getClass(), e.getCause());
                Batcher.Work good = new Batcher.Work(new Job<>(new Echo(), List.of("a", "b"), r -> null));
                assertTrue(batcher.offer(good));
                assertEquals(List.of("a", "b"), good.result.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aBatchIsSplitByItsTokenBudget() throws Exception {
        Counters counters = new Counters();
        try (Batcher batcher = new Batcher(8, 32, 100, 0, counters)) {
            // 6 inputs of 40 tokens: at most 2 per pass (3 × 40 > 100)
            Batcher.Work work = new Batcher.Work(new Job<>(new Echo(), List.of("1", "2", "3", "4", "5", "6"), r -> null)
                    .withTokens(List.of(40, 40, 40, 40, 40, 40)));
            assertTrue(batcher.offer(work));
            assertEquals(List.of("1", "2", "3", "4", "5", "6"), work.result.get(10, TimeUnit.SECONDS));
            assertEquals(3, counters.forwardPasses.get());
        }
    }
}
