package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.JsonAssert;
import io.albert4j.wire.JsonResults;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.albert4j.server.ServerTestSupport.cliFor;
import static io.albert4j.server.ServerTestSupport.counters;
import static io.albert4j.server.ServerTestSupport.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent clients: every answer correct, and requests share forward passes. */
class ServerLoadTest {
    static final int CLIENTS = 8;
    static final int REQUESTS_PER_CLIENT = 200;

    /** A request body and the answer the CLI gives for it. */
    record Case(String body, JsonNode expected) {
    }

    static List<Case> cases() {
        String m = "albert-tiny-seqcls";
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("{\"inputs\": \"The movie was great.\"}",
                wrap(cliFor(m, "classify", "--top-k", "all", "The movie was great."))));
        cases.add(new Case("{\"inputs\": \"Terrible acting and a boring plot.\"}",
                wrap(cliFor(m, "classify", "--top-k", "all", "Terrible acting and a boring plot."))));
        cases.add(new Case("{\"inputs\": {\"text\": \"Is it open?\", \"text_pair\": \"Yes, until nine.\"}}",
                wrap(cliFor(m, "classify", "--top-k", "all", "--pair", "Yes, until nine.", "Is it open?"))));
        cases.add(new Case("{\"inputs\": [\"Fine.\", \"An unexpectedly long review of a very ordinary restaurant.\"]}",
                JsonResults.JSON.createArrayNode().add(cliFor(m, "classify", "--top-k", "all", "Fine."))
                        .add(cliFor(m, "classify", "--top-k", "all", "An unexpectedly long review of a very ordinary restaurant."))));
        cases.add(new Case("{\"inputs\": " + quote("I would come back. ".repeat(3)) + "}",
                wrap(cliFor(m, "classify", "--top-k", "all", "I would come back. ".repeat(3)))));
        // other parameters: run in forward passes of their own
        cases.add(new Case("{\"inputs\": \"Not bad at all.\", \"parameters\": {\"function_to_apply\": \"sigmoid\", \"top_k\": 2}}",
                wrap(cliFor(m, "classify", "--function", "sigmoid", "--top-k", "2", "Not bad at all."))));
        cases.add(new Case("{\"inputs\": \"Worst meal ever.\", \"parameters\": {\"top_k\": 1}}",
                wrap(cliFor(m, "classify", "Worst meal ever."))));
        return cases;
    }

    @Test
    void concurrentClientsGetCorrectAnswersInSharedForwardPasses() throws Exception {
        List<Case> cases = cases();
        AlbertServer server = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withThreads(4));
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            AtomicInteger failures = new AtomicInteger();
            List<String> firstFailures = java.util.Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    HttpClient http = ServerTestSupport.client();
                    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                        Case k = cases.get((client + i) % cases.size());
                        try {
                            ServerTestSupport.Reply reply = ServerTestSupport.send(http, ServerTestSupport.request(server, "/")
                                    .POST(HttpRequest.BodyPublishers.ofString(k.body())).build());
                            assertEquals(200, reply.status(), reply.raw().body());
                            JsonAssert.assertMatches(k.expected(), reply.json(), ServerTasksTest.BATCH_TOLERANCE);
                            assertEquals(k.expected().size(), reply.json().size());
                        } catch (AssertionError | RuntimeException e) {
                            if (failures.incrementAndGet() <= 3) {
                                firstFailures.add(k.body() + ": " + e);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get(5, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            JsonNode counters = counters(server);
            int requests = CLIENTS * REQUESTS_PER_CLIENT;
            System.out.printf("load: %d clients x %d requests in %.2f s (%.0f req/s); forward passes %d, sequences %d, "
                            + "mean batch size %.2f%n", CLIENTS, REQUESTS_PER_CLIENT, seconds, requests / seconds,
                    counters.get("forward_passes").longValue(), counters.get("sequences").longValue(),
                    counters.get("mean_batch_size").doubleValue());
            assertEquals(0, failures.get(), () -> "failed requests, first: " + firstFailures);
            assertEquals(requests, counters.get("requests").intValue());
            assertEquals(requests, counters.get("ok").intValue());
            assertEquals(0, counters.get("server_errors").intValue() + counters.get("client_errors").intValue()
                    + counters.get("rejected").intValue());
            assertTrue(counters.get("forward_passes").longValue() < requests,
                    "forward passes " + counters.get("forward_passes") + " < requests " + requests);
        } finally {
            pool.shutdownNow();
            server.stop();
        }
    }

    /**
     * A lone client is never held back by the batching window: with a 500 ms window, 20 requests
     * one after the other run as 20 forward passes without waiting.
     */
    @Test
    void loneRequestsDoNotWaitForTheWindow() {
        AlbertServer server = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withMaxWaitMs(500));
        try {
            ServerTestSupport.ok(server, "{\"inputs\": \"warm up\"}");
            long passesBefore = counters(server).get("forward_passes").longValue();
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                ServerTestSupport.ok(server, "{\"inputs\": \"request number " + i + "\"}");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("lone client: 20 sequential requests in %.3f s (%.1f ms each) with a 500 ms window%n",
                    seconds, seconds * 1000 / 20);
            assertEquals(20, counters(server).get("forward_passes").longValue() - passesBefore);
            assertTrue(seconds < 5.0, "20 requests took " + seconds + " s; waiting out the window would take 10 s");
        } finally {
            server.stop();
        }
    }

    private static JsonNode wrap(JsonNode list) {
        return JsonResults.JSON.createArrayNode().add(list);
    }
}
