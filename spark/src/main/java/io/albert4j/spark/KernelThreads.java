package io.albert4j.spark;

import io.albert4j.model.Parallelism;
import org.apache.spark.TaskContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sizes the forward pass's threads to a task's share of the executor: each running task may use
 * {@code spark.task.cpus} cores (or the stage's {@code threads} parameter), so an executor with
 * {@code spark.executor.cores} cores runs cores / task.cpus tasks at once without oversubscribing.
 * The setting is per JVM (the library's kernel pool and ND4J's BLAS threads are process-wide), so
 * it is applied only when it changes.
 */
final class KernelThreads {
    private static int applied;

    private KernelThreads() {
    }

    /** Threads for this task: the stage's explicit value when positive, else spark.task.cpus. */
    static int forTask(int explicit) {
        if (explicit > 0) {
            return explicit;
        }
        TaskContext task = TaskContext.get();
        return task != null ? Math.max(1, task.cpus()) : 1;
    }

    /** Applies the count to the library's kernels and ND4J's BLAS if it differs from the last one applied. */
    static synchronized void apply(int threads) {
        if (threads != applied) {
            Parallelism.setThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
            applied = threads;
        }
    }
}
