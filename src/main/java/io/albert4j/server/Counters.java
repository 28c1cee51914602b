package io.albert4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.wire.JsonResults;

import java.util.concurrent.atomic.AtomicLong;

/** The server's running totals, shown by {@code GET /info}. Thread-safe. */
final class Counters {
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
}
