package io.albert4j.spark;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Frees the models an executor loaded when the executor stops, rather than at JVM exit (which
 * {@link ModelCache} handles by itself). Enable with
 * {@code --conf spark.plugins=io.albert4j.spark.AlbertSparkPlugin}; useful where executors outlive
 * an application's use of them or the JVM is reused (local mode, notebooks, long-lived clusters).
 */
public final class AlbertSparkPlugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void shutdown() {
                ModelCache.clear();
            }
        };
    }
}
