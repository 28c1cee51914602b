package io.albert4j.server;

import java.util.Arrays;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed bucket bounds: how many observations were at most each bound
 * ({@code _bucket{le="..."}}, cumulative, ending with {@code le="+Inf"}), their sum and their count.
 *
 * <p>Thread-safe and lock-free: {@link #observe} adds to one {@link LongAdder} per bucket and a
 * {@link DoubleAdder} for the sum, so threads that observe at once do not contend. A scrape that runs
 * while others observe sees each bucket at some moment of the scrape; {@code _count} is always the
 * {@code +Inf} bucket and the buckets never decrease from one bound to the next.
 */
final class Histogram {
    private final double[] bounds;    // ascending upper bounds, finite
    private final LongAdder[] counts; // per bucket (not cumulative), the last one above every bound
    private final DoubleAdder sum = new DoubleAdder();

    /** @param bounds the buckets' upper bounds (inclusive), ascending and finite */
    Histogram(double... bounds) {
        if (bounds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        for (int i = 0; i < bounds.length; i++) {
            if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must be finite and ascending: " + Arrays.toString(bounds));
            }
        }
        this.bounds = bounds.clone();
        this.counts = new LongAdder[bounds.length + 1];
        Arrays.setAll(counts, i -> new LongAdder());
    }

    /** Counts one observation; NaN is ignored (it belongs to no bucket). */
    void observe(double value) {
        if (Double.isNaN(value)) {
            return;
        }
        int found = Arrays.binarySearch(bounds, value);
        int bucket = found >= 0 ? found : -found - 1; // the first bound >= value, or bounds.length
        counts[bucket].increment();
        sum.add(value);
    }

    /** Writes the family: HELP, TYPE, one {@code _bucket} line per bound and {@code +Inf}, {@code _sum}, {@code _count}. */
    void writeTo(PrometheusText out, String name, String help) {
        out.family(name, "histogram", help);
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts[i].sum();
            out.sample(name + "_bucket", cumulative, "le", PrometheusText.number(bounds[i]));
        }
        cumulative += counts[bounds.length].sum();
        out.sample(name + "_bucket", cumulative, "le", "+Inf");
        out.sample(name + "_sum", sum.sum());
        out.sample(name + "_count", cumulative);
    }
}
