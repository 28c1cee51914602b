package io.albert4j.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text exposition format 0.0.4 as {@link PrometheusText} and {@link Histogram} write it. */
class PrometheusTextTest {
    @Test
    void familiesAndSamplesAreLinesOfTheFormat() {
        String text = new PrometheusText()
                .family("albert_requests_total", "counter", "Requests.")
                .sample("albert_requests_total", 3, "route", "/health", "status", "200")
                .sample("albert_requests_total", 0)
                .toString();
        assertEquals("""
                # HELP albert_requests_total Requests.
                # TYPE albert_requests_total counter
                albert_requests_total{route="/health",status="200"} 3
                albert_requests_total 0
                """, text);
    }

    @Test
    void helpAndLabelValuesAreEscaped() {
        String text = new PrometheusText()
                .family("m", "gauge", "a \\ backslash\nand a line feed \"quoted\"")
                .sample("m", 1, "path", "C:\\dir\n\"x\"")
                .toString();
        assertEquals("""
                # HELP m a \\\\ backslash\\nand a line feed "quoted"
                # TYPE m gauge
                m{path="C:\\\\dir\\n\\"x\\""} 1
                """, text);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "-0.0, 0", "3, 3", "2.5, 2.5", "0.0005, 0.0005", "1e-9, 0.000000001", "12345678912, 12345678912",
            "NaN, NaN", "Infinity, +Inf", "-Infinity, -Inf", "-1.25, -1.25"})
    void numbersAreWrittenAsPlainDecimals(double value, String expected) {
        assertEquals(expected, PrometheusText.number(value));
    }

    @Test
    void badNamesAreRefused() {
        PrometheusText out = new PrometheusText();
        assertThrows(IllegalArgumentException.class, () -> out.family("1st", "counter", "x"));
        assertThrows(IllegalArgumentException.class, () -> out.sample("a-b", 1));
        assertThrows(IllegalArgumentException.class, () -> out.sample("m", 1, "bad-label", "v"));
        assertThrows(IllegalArgumentException.class, () -> out.sample("m", 1, "__reserved", "v"));
        assertThrows(IllegalArgumentException.class, () -> out.sample("m", 1, "odd"));
    }

    @Test
    void histogramBucketsAreCumulativeWithInclusiveUpperBounds() {
        Histogram h = new Histogram(1, 2, 4);
        for (double v : new double[]{0.5, 1, 1.5, 2, 3, 4, 5, 100}) {
            h.observe(v);
        }
        h.observe(Double.NaN);
        PrometheusText out = new PrometheusText();
        h.writeTo(out, "albert_batch_size", "Inputs per call.");
        assertEquals("""
                # HELP albert_batch_size Inputs per call.
                # TYPE albert_batch_size histogram
                albert_batch_size_bucket{le="1"} 2
                albert_batch_size_bucket{le="2"} 4
                albert_batch_size_bucket{le="4"} 6
                albert_batch_size_bucket{le="+Inf"} 8
                albert_batch_size_sum 117
                albert_batch_size_count 8
                """, out.toString());
    }

    @Test
    void histogramBoundsMustBeFiniteAndAscending() {
        assertThrows(IllegalArgumentException.class, Histogram::new);
        assertThrows(IllegalArgumentException.class, () -> new Histogram(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(2, 1));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(1, Double.POSITIVE_INFINITY));
    }

    /** Threads observing at once lose nothing: every bucket, the sum and the count are exact. */
    @Test
    void histogramAndCountersAreExactUnderConcurrentUpdates() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        Histogram h = new Histogram(1, 2, 4);
        Counters counters = new Counters();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        h.observe(i % 4 + 1); // 1, 2, 3, 4
                        counters.responded("/health", "GET", i % 2 == 0 ? 200 : 503);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        long total = (long) threads * perThread;
        PrometheusText out = new PrometheusText();
        h.writeTo(out, "h", "x");
        String text = out.toString();
        assertTrue(text.contains("h_bucket{le=\"1\"} " + total / 4 + "\n"), text);
        assertTrue(text.contains("h_bucket{le=\"2\"} " + total / 2 + "\n"), text);
        assertTrue(text.contains("h_bucket{le=\"4\"} " + total + "\n"), text);
        assertTrue(text.contains("h_sum " + total / 4 * (1 + 2 + 3 + 4) + "\n"), text);
        assertTrue(text.contains("h_count " + total + "\n"), text);
        String metrics = counters.prometheus(0, 0);
        assertTrue(metrics.contains("albert_http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} " + total / 2 + "\n"), metrics);
        assertTrue(metrics.contains("albert_http_requests_total{route=\"/health\",method=\"GET\",status=\"503\"} " + total / 2 + "\n"), metrics);
        assertTrue(metrics.contains("albert_http_errors_total{status=\"503\"} " + total / 2 + "\n"), metrics);
    }

    @Test
    void methodsOutsideTheStandardOnesShareOneLabel() {
        Counters counters = new Counters();
        counters.responded(Counters.UNMATCHED, "BREW", 404);
        counters.responded(Counters.UNMATCHED, "FROB", 404);
        counters.responded(Counters.UNMATCHED, null, 400);
        String metrics = counters.prometheus(0, 0);
        assertTrue(metrics.contains("albert_http_requests_total{route=\"unmatched\",method=\"other\",status=\"404\"} 2\n"), metrics);
        assertTrue(metrics.contains("albert_http_requests_total{route=\"unmatched\",method=\"other\",status=\"400\"} 1\n"), metrics);
    }
}
