package io.albert4j.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dynamic batching: one thread takes requests from a bounded queue and runs those with the same
 * runner (task and parameters) as one forward pass of at most {@code maxBatch} sequences and
 * {@code maxBatchTokens} tokens (sequences × the longest, as padding makes them cost): a request whose
 * inputs exceed either is run in several passes, so memory is bounded by the budget, not the request.
 *
 * <p>The window: the thread takes every request already queued. It waits for more, up to
 * {@code maxWait} after the first request was queued, only while more are evidently coming: a
 * request is being read or parsed on an HTTP thread, or the previous batch held more requests than
 * this one. A lone request therefore runs at once, while under load the requests that arrive during
 * a forward pass form the next batch. If a batch of several requests fails (one text without a
 * mask, one too long), each request is run alone so that only the faulty one fails.
 *
 * <p>Thread-safe: {@link #offer}, {@link #arriving()} and the gauges may be used from any thread.
 */
final class Batcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    /** A job waiting for its results. */
    static final class Work {
        final Job<?, ?> job;
        final long queuedNanos = System.nanoTime();
        final CompletableFuture<List<?>> result = new CompletableFuture<>();

        Work(Job<?, ?> job) {
            this.job = job;
        }

        int size() {
            return job.inputs().size();
        }

        int longest(int unknown) {
            return job.tokens().stream().mapToInt(t -> t > 0 ? t : unknown).max().orElse(unknown);
        }
    }

    private final BlockingQueue<Work> queue;
    private final int maxBatch;
    private final int maxBatchTokens;
    private final int unknownTokens; // what an input of unknown length is assumed to cost
    private final long maxWaitNanos;
    private final Counters counters;
    private final AtomicInteger arriving = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closed;
    private volatile int running;
    private volatile Work carried; // taken from the queue but left for the next batch (set by the batcher thread)
    private int lastBatchRequests = 1;

    Batcher(int queueSize, int maxBatch, int maxBatchTokens, long maxWaitMs, Counters counters) {
        this(queueSize, maxBatch, maxBatchTokens, maxWaitMs, counters, () -> {
        });
    }

    /** @param atExit run on the batching thread as it ends (to release what that thread holds) */
    Batcher(int queueSize, int maxBatch, int maxBatchTokens, long maxWaitMs, Counters counters, Runnable atExit) {
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.maxBatch = maxBatch;
        this.maxBatchTokens = maxBatchTokens;
        this.unknownTokens = Math.max(1, maxBatchTokens / maxBatch);
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.counters = counters;
        this.thread = new Thread(() -> {
            try {
                loop();
            } finally {
                atExit.run();
            }
        }, "albert-batcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Requests being read or parsed: increment before reading a body, decrement after {@link #offer}. */
    AtomicInteger arriving() {
        return arriving;
    }

    /** Queues a job; false when the queue is full or the batcher is closed. */
    boolean offer(Work work) {
        return !closed && queue.offer(work);
    }

    int queued() {
        return queue.size() + (carried != null ? 1 : 0);
    }

    /** Requests in the forward pass now running. */
    int running() {
        return running;
    }

    private void loop() {
        while (!closed || carried != null || !queue.isEmpty()) {
            try {
                List<Work> batch = collect();
                if (!batch.isEmpty()) {
                    execute(batch);
                }
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } catch (RuntimeException | Error e) {
                LOG.error("batcher failure", e); // execute() completes every future; this is a bug
            }
        }
        Work left = carried;
        carried = null;
        for (; left != null; left = queue.poll()) {
            left.result.completeExceptionally(new HttpError(503, "server is shutting down"));
        }
    }

    private List<Work> collect() throws InterruptedException {
        Work first = carried;
        carried = null;
        if (first == null) {
            first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                return List.of();
            }
        }
        List<Work> batch = new ArrayList<>();
        batch.add(first);
        int sequences = first.size();
        int longest = first.longest(unknownTokens);
        long deadline = first.queuedNanos + maxWaitNanos;
        boolean batching = first.job.runner().batches();
        while (sequences < maxBatch) {
            Work next = queue.poll();
            if (next == null) {
                boolean moreComing = arriving.get() > 0 || batch.size() < lastBatchRequests;
                long wait = deadline - System.nanoTime();
                if (!batching || !moreComing || wait <= 0) {
                    break;
                }
                next = queue.poll(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                if (next == null) {
                    continue;
                }
            }
            int longer = Math.max(longest, next.longest(unknownTokens));
            if (sequences + next.size() > maxBatch || (long) (sequences + next.size()) * longer > maxBatchTokens) {
                carried = next;
                break;
            }
            batch.add(next);
            sequences += next.size();
            longest = longer;
        }
        lastBatchRequests = batch.size();
        return batch;
    }

    /** Runs a batch: one call per runner, in order of arrival. */
    private void execute(List<Work> batch) {
        running = batch.size();
        long start = System.nanoTime();
        batch.forEach(w -> counters.queueWaitSeconds.observe(seconds(start - w.queuedNanos)));
        try {
            Map<Runner<?, ?>, List<Work>> groups = new LinkedHashMap<>();
            for (Work w : batch) {
                groups.computeIfAbsent(w.job.runner(), r -> new ArrayList<>()).add(w);
            }
            groups.forEach((runner, works) -> run(runner, works));
        } finally {
            running = 0;
        }
    }

    private <I, O> void run(Runner<I, O> runner, List<Work> works) {
        List<I> inputs = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        works.forEach(w -> {
            inputs.addAll(w.job.inputsFor(runner));
            tokens.addAll(w.job.tokens());
        });
        List<O> results;
        try {
            results = call(runner, inputs, tokens);
        } catch (RuntimeException e) {
            if (works.size() == 1) {
                works.get(0).result.completeExceptionally(e);
            } else {
                counters.batchRetries.incrementAndGet();
                works.forEach(w -> run(runner, List.of(w)));
            }
            return;
        } catch (Error e) {
            works.forEach(w -> w.result.completeExceptionally(e));
            throw e;
        }
        int from = 0;
        for (Work w : works) {
            w.result.complete(results.subList(from, from + w.size()));
            from += w.size();
        }
    }

    /** The runner on chunks within the sequence and token budgets, results in input order. */
    private <I, O> List<O> call(Runner<I, O> runner, List<I> inputs, List<Integer> tokens) {
        List<O> results = new ArrayList<>(inputs.size());
        for (int i = 0, end; i < inputs.size(); i = end) {
            int longest = 0;
            for (end = i; end < inputs.size() && end - i < maxBatch; end++) {
                int longer = Math.max(longest, tokens.get(end) > 0 ? tokens.get(end) : unknownTokens);
                if (end > i && (long) (end - i + 1) * longer > maxBatchTokens) {
                    break;
                }
                longest = longer;
            }
            List<I> chunk = inputs.subList(i, end);
            long start = System.nanoTime();
            List<O> out = runner.run(chunk);
            counters.forwardSeconds.observe(seconds(System.nanoTime() - start));
            counters.batchSizes.observe(chunk.size());
            counters.forwardPasses.addAndGet(runner.forwardPasses(chunk.size()));
            counters.sequences.addAndGet(chunk.size());
            if (out.size() != chunk.size()) {
                throw new IllegalStateException(out.size() + " results for " + chunk.size() + " inputs");
            }
            results.addAll(out);
        }
        return results;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * Stops taking new work; the thread finishes what is queued and ends. Waits up to {@code timeoutMs}
     * for that, then interrupts the thread (requests still queued get 503) and waits until it has ended,
     * which is at most the end of the model call it is in: after close the model is no longer used.
     */
    @Override
    public void close() {
        close(10_000);
    }

    void close(long timeoutMs) {
        closed = true;
        boolean interrupted = false;
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        while (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(100);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
