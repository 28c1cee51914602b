package io.albert4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.wire.JsonResults;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's running totals: the counters {@code GET /info} shows and the metrics {@code GET /metrics}
 * writes in Prometheus' text format ({@link #prometheus}).
 *
 * <p>Thread-safe: every total is an {@link AtomicLong}, a {@link LongAdder} or a {@link Histogram},
 * updated without locks from HTTP threads and the batching thread and read by scrapes at any time.
 * Label values are bounded (a fixed set of routes and methods, status codes), so the number of series
 * cannot grow with what clients send.
 */
final class Counters {
    /** The {@code route} label of a request that matched no route (a 404) or that Jetty refused before routing. */
    static final String UNMATCHED = "unmatched";

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "TRACE", "CONNECT");
    /** Inputs per model call: powers of two up to 1,024 (--max-batch has no upper bound; the rest is +Inf). */
    private static final double[] BATCH_SIZE_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    /** Seconds, from half a millisecond to a minute. */
    private static final double[] SECONDS_BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
            1, 2.5, 5, 10, 30, 60};

    /** Inference requests received (POST / and /models/...), answered or not. */
    final AtomicLong requests = new AtomicLong();
    /** Inference requests answered with 200. */
    final AtomicLong ok = new AtomicLong();
    /** Responses with a 4xx status other than 404/405 (bad input, too large). */
    final AtomicLong clientErrors = new AtomicLong();
    /** Inference requests refused with 503 (queue full or shutting down). */
    final AtomicLong rejected = new AtomicLong();
    /** Responses with a 500 status. */
    final AtomicLong serverErrors = new AtomicLong();
    /** Forward passes the model ran. */
    final AtomicLong forwardPasses = new AtomicLong();
    /** Sequences (texts, text pairs, questions) those passes computed. */
    final AtomicLong sequences = new AtomicLong();
    /** Batches whose forward pass failed and whose requests were retried one by one. */
    final AtomicLong batchRetries = new AtomicLong();
    /** Inputs per successful model call (one chunk of a batch, see {@link Batcher}). */
    final Histogram batchSizes = new Histogram(BATCH_SIZE_BOUNDS);
    /** Seconds an inference request waited in the queue until its batch started. */
    final Histogram queueWaitSeconds = new Histogram(SECONDS_BOUNDS);
    /** Seconds each successful model call took on the batching thread. */
    final Histogram forwardSeconds = new Histogram(SECONDS_BOUNDS);

    /** Responses sent, by route, method and status. */
    private final ConcurrentMap<Response, LongAdder> responses = new ConcurrentHashMap<>();

    private record Response(String route, String method, int status) {
    }

    /**
     * Counts a response sent.
     *
     * @param route  the route's pattern ({@code /}, {@code /models/{name}}, {@code /health}, ...) or {@link #UNMATCHED}
     * @param method the request's method; one outside the standard ones is counted as {@code other}
     */
    void responded(String route, String method, int status) {
        String known = method != null && METHODS.contains(method) ? method : "other";
        responses.computeIfAbsent(new Response(route, known, status), r -> new LongAdder()).increment();
    }

    ObjectNode toJson(int queued, int running) {
        long passes = forwardPasses.get();
        ObjectNode o = JsonResults.JSON.createObjectNode();
        o.put("requests", requests.get());
        o.put("ok", ok.get());
        o.put("client_errors", clientErrors.get());
        o.put("rejected", rejected.get());
        o.put("server_errors", serverErrors.get());
        o.put("forward_passes", passes);
        o.put("sequences", sequences.get());
        o.put("mean_batch_size", passes == 0 ? 0.0 : (double) sequences.get() / passes);
        o.put("batch_retries", batchRetries.get());
        o.put("queued", queued);
        o.put("running", running);
        return o;
    }

    /** The metrics in Prometheus' text exposition format 0.0.4 (see {@link PrometheusText}). */
    String prometheus(int queued, int running) {
        PrometheusText out = new PrometheusText();
        Map<Response, Long> sent = new TreeMap<>(Comparator.comparing(Response::route)
                .thenComparing(Response::method).thenComparingInt(Response::status));
        responses.forEach((response, count) -> sent.put(response, count.sum()));
        out.family("albert_http_requests_total", "counter",
                "HTTP requests answered, by route, method and status code (route \"" + UNMATCHED
                        + "\": no such route, or malformed HTTP).");
        sent.forEach((r, count) -> out.sample("albert_http_requests_total", count, "route", r.route(), "method",
                r.method(), "status", String.valueOf(r.status())));
        Map<Integer, Long> errors = new TreeMap<>();
        sent.forEach((r, count) -> {
            if (r.status() >= 400) {
                errors.merge(r.status(), count, Long::sum);
            }
        });
        out.family("albert_http_errors_total", "counter", "HTTP requests answered with an error status (4xx, 5xx), by status code.");
        errors.forEach((status, count) -> out.sample("albert_http_errors_total", count, "status", String.valueOf(status)));
        batchSizes.writeTo(out, "albert_batch_size",
                "Inputs (texts, text pairs, questions) per model call on the batching thread.");
        queueWaitSeconds.writeTo(out, "albert_queue_wait_seconds",
                "Time an inference request waited in the queue until its batch started running.");
        forwardSeconds.writeTo(out, "albert_forward_seconds",
                "Time of one model call on the batching thread: encoding, forward pass(es), decoding.");
        out.family("albert_forward_passes_total", "counter", "Forward passes the model ran.");
        out.sample("albert_forward_passes_total", forwardPasses.get());
        out.family("albert_batch_retries_total", "counter",
                "Batches whose model call failed and whose requests were run again one by one.");
        out.sample("albert_batch_retries_total", batchRetries.get());
        out.family("albert_queued_requests", "gauge", "Inference requests waiting for the batching thread.");
        out.sample("albert_queued_requests", queued);
        out.family("albert_running_requests", "gauge", "Inference requests in the model call now running.");
        out.sample("albert_running_requests", running);
        return out.toString();
    }
}
