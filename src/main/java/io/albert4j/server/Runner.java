package io.albert4j.server;

import java.util.List;

/**
 * One pipeline configuration (task parameters included) that runs a list of inputs together.
 * Implementations are records: requests whose runners are equal are run in the same forward pass
 * (equal runners take the same type of inputs). Runners are called from the batching thread only.
 *
 * @param <I> one input
 * @param <O> the result for one input
 */
interface Runner<I, O> {
    /** Results in input order; an {@link io.albert4j.AlbertException} fails all of these inputs. */
    List<O> run(List<I> inputs);

    /** Whether inputs of different requests gain from sharing one call. */
    default boolean batches() {
        return true;
    }

    /** Forward passes that {@link #run} makes for this many inputs. */
    default int forwardPasses(int inputs) {
        return 1;
    }
}
