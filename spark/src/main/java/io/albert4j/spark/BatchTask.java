package io.albert4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What a stage computes on an executor. A small serializable object holding the task options;
 * {@link #open} binds it to a loaded model (failing, and so failing the job, when the model cannot
 * do the task), and the runner computes one Spark value per row (of the stage's output type) for a
 * batch of rows, in order. Each input holds the row's values of the stage's input columns; required
 * ones are never null (rows with a null required input get a null output without reaching the task).
 */
interface BatchTask extends Serializable {
    /** Input columns, from the first, that must be non-null for a row to be processed. */
    int requiredInputs();

    /** The task on this model; throws {@link io.albert4j.AlbertException} when the model's head cannot do it. */
    Runner open(ModelCache.Loaded loaded);

    /** A task bound to a model, used by one partition's thread. */
    @FunctionalInterface
    interface Runner {
        /** One output per input; throws {@link io.albert4j.AlbertException} for input the task refuses. */
        List<Object> run(List<String[]> inputs);
    }
}
