package io.albert4j.model;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The number of threads the Java kernels of the forward pass use, and the small shared pool they
 * run on. The default is the system property {@code albert4j.threads}, else {@code OMP_NUM_THREADS},
 * else the number of available processors; ND4J's BLAS takes its own thread count from
 * {@code OMP_NUM_THREADS} (or {@code Nd4j.factory().blas().setMaxThreads}).
 *
 * <p>Thread-safe. A kernel split over the pool runs its first part on the calling thread, so a
 * forward pass never waits on a pool thread that waits on it; many callers share the pool.
 */
public final class Parallelism {
    private static volatile int threads = defaultThreads();
    private static volatile ExecutorService pool;

    private Parallelism() {
    }

    /** Threads a kernel may use (the caller included). */
    public static int threads() {
        return threads;
    }

    /** Sets the kernel thread count (at least 1); kernels already running finish as they were. */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be positive, found " + n);
        }
        threads = n;
        ExecutorService old = pool;
        pool = null;
        if (old != null) {
            old.shutdown();
        }
    }

    /** A body over the index range [from, to). */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs body over [0, n) split into at most {@link #threads()} contiguous parts of at least
     * {@code grain} indices, the first on the calling thread; returns when all are done.
     */
    static void forRange(int n, int grain, Range body) {
        int parts = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        ExecutorService executor = executor();
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) n * p / parts);
            int to = (int) ((long) n * (p + 1) / parts);
            futures[p - 1] = executor.submit(() -> body.run(from, to));
        }
        RuntimeException failure = null;
        try {
            body.run(0, (int) ((long) n / parts));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static ExecutorService executor() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Parallelism.class) {
                p = pool;
                if (p == null) {
                    p = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                        Thread t = new Thread(r, "albert4j-kernel");
                        t.setDaemon(true);
                        return t;
                    });
                    pool = p;
                }
            }
        }
        return p;
    }

    private static int defaultThreads() {
        String property = System.getProperty("albert4j.threads");
        String env = System.getenv("OMP_NUM_THREADS");
        for (String v : new String[] {property, env}) {
            if (v != null) {
                try {
                    int n = Integer.parseInt(v.trim());
                    if (n > 0) {
                        return n;
                    }
                } catch (NumberFormatException ignored) {
                    // fall through to the next source
                }
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
