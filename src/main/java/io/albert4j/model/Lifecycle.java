package io.albert4j.model;

import java.util.function.Supplier;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Guards a model's off-heap memory: every computation on the weights runs inside {@link #use} (shared,
 * so passes run concurrently); {@link #close} waits until none runs, then frees the memory, and later
 * calls fail with {@link IllegalStateException} instead of touching freed memory. Thread-safe.
 */
final class Lifecycle {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    <T> T use(Supplier<T> computation) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("model is closed");
            }
            return computation.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Marks closed, waits for computations in progress, then runs {@code free} once. */
    void close(Runnable free) {
        closed = true;
        lock.writeLock().lock();
        try {
            free.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
