package io.albert4j.server;

import java.util.List;

/**
 * One pipeline configuration (task parameters included) that runs a list of inputs together.
 * Implementations are records: requests whose runners are equal are run in the same forward pass.
 * Runners are called from the batching thread only.
 */
interface Runner {
    /** Results in input order; an {@link io.albert4j.AlbertException} fails all of these inputs. */
    List<?> run(List<Object> inputs);

    /** Whether inputs of different requests gain from sharing one call. */
    default boolean batches() {
        return true;
    }

    /** Forward passes that {@link #run} makes for this many inputs. */
    default int forwardPasses(int inputs) {
        return 1;
    }
}
