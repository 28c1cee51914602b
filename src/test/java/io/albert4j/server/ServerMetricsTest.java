package io.albert4j.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.albert4j.server.ServerTestSupport.array;
import static io.albert4j.server.ServerTestSupport.get;
import static io.albert4j.server.ServerTestSupport.post;
import static io.albert4j.server.ServerTestSupport.quote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code GET /metrics} (Prometheus' text format) counts what was sent; {@code HEAD} answers on every GET route. */
class ServerMetricsTest {
    private static AlbertServer server;

    @BeforeAll
    static void start() {
        // max-wait 0: each request of this one client runs alone, so batch sizes are its inputs
        server = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withMaxInputs(4).withMaxWaitMs(0));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    // ---- HEAD ----

    @ParameterizedTest
    @ValueSource(strings = {"/health", "/info"})
    void headAnswersTheHeadersOfGetWithoutABody(String path) throws IOException {
        Raw getReply = Raw.exchange(server, "GET", path);
        Raw headReply = Raw.exchange(server, "HEAD", path);
        assertEquals(200, getReply.status);
        assertEquals(200, headReply.status);
        assertEquals("application/json", headReply.header("content-type"));
        assertEquals(getReply.header("content-type"), headReply.header("content-type"));
        assertEquals(String.valueOf(getReply.body.length), headReply.header("content-length"),
                "HEAD announces the length GET sends");
        assertEquals(0, headReply.body.length, "no body after HEAD's headers");
        assertTrue(getReply.body.length > 0);
    }

    @Test
    void headOnMetricsAnswersItsHeadersWithoutABody() throws IOException {
        Raw headReply = Raw.exchange(server, "HEAD", "/metrics");
        assertEquals(200, headReply.status);
        assertEquals(PrometheusText.CONTENT_TYPE, headReply.header("content-type"));
        assertTrue(Long.parseLong(headReply.header("content-length")) > 0);
        assertEquals(0, headReply.body.length);
    }

    @Test
    void headIsNotAllowedWhereGetIsNot() throws IOException {
        Raw root = Raw.exchange(server, "HEAD", "/");
        assertEquals(405, root.status);
        assertEquals("POST", root.header("allow"));
        assertEquals(0, root.body.length);
        Raw missing = Raw.exchange(server, "HEAD", "/nothing-here");
        assertEquals(404, missing.status);
        assertEquals(0, missing.body.length);
        Raw postHealth = Raw.exchange(server, "POST", "/health");
        assertEquals(405, postHealth.status);
        assertEquals("GET, HEAD", postHealth.header("allow"));
    }

    // ---- /metrics ----

    @Test
    void metricsCountTheRequestsSent() throws IOException {
        AlbertServer fresh = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withMaxInputs(4).withMaxWaitMs(0));
        try {
            assertEquals(200, post(fresh, "{\"inputs\": \"one text\"}").status());
            assertEquals(200, post(fresh, "{\"inputs\": " + texts(3) + "}").status());
            assertEquals(200, post(fresh, "/models/any/name", "{\"inputs\": " + texts(2) + "}").status());
            assertEquals(400, post(fresh, "{\"inputs\": ").status());
            assertEquals(413, post(fresh, "{\"inputs\": " + texts(5) + "}").status());
            assertEquals(405, get(fresh, "/").status());
            assertEquals(404, get(fresh, "/v1/chat/completions").status());
            assertEquals(405, Raw.exchange(fresh, "DELETE", "/health").status);
            assertEquals(200, get(fresh, "/health").status());
            assertEquals(200, Raw.exchange(fresh, "HEAD", "/health").status);
            assertEquals(200, get(fresh, "/info").status());
            try (Socket s = new Socket("127.0.0.1", fresh.port())) { // malformed HTTP, refused by Jetty
                s.getOutputStream().write("\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertTrue(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 400"));
            }

            HttpResponse<String> scrape = scrape(fresh);
            assertEquals(200, scrape.statusCode());
            assertEquals(PrometheusText.CONTENT_TYPE, scrape.headers().firstValue("Content-Type").orElse(""));
            Exposition metrics = Exposition.parse(scrape.body());

            Map<String, Double> expectedRequests = new HashMap<>();
            expectedRequests.put("route=/,method=POST,status=200", 2.0);
            expectedRequests.put("route=/models/{name},method=POST,status=200", 1.0);
            expectedRequests.put("route=/,method=POST,status=400", 1.0);
            expectedRequests.put("route=/,method=POST,status=413", 1.0);
            expectedRequests.put("route=/,method=GET,status=405", 1.0);
            expectedRequests.put("route=unmatched,method=GET,status=404", 1.0);
            expectedRequests.put("route=/health,method=DELETE,status=405", 1.0);
            expectedRequests.put("route=/health,method=GET,status=200", 1.0);
            expectedRequests.put("route=/health,method=HEAD,status=200", 1.0);
            expectedRequests.put("route=/info,method=GET,status=200", 1.0);
            expectedRequests.put("route=unmatched,method=other,status=400", 1.0);
            assertEquals(expectedRequests, metrics.series("albert_http_requests_total"),
                    "every response, once; the scrape itself counts in the next one");
            assertEquals(Map.of("status=400", 2.0, "status=404", 1.0, "status=405", 2.0, "status=413", 1.0),
                    metrics.series("albert_http_errors_total"));

            // batches of 1, 3 and 2 inputs
            assertEquals(1.0, metrics.value("albert_batch_size_bucket", "le=1"));
            assertEquals(2.0, metrics.value("albert_batch_size_bucket", "le=2"));
            assertEquals(3.0, metrics.value("albert_batch_size_bucket", "le=4"));
            assertEquals(3.0, metrics.value("albert_batch_size_bucket", "le=+Inf"));
            assertEquals(6.0, metrics.value("albert_batch_size_sum", ""));
            assertEquals(3.0, metrics.value("albert_batch_size_count", ""));
            assertEquals(3.0, metrics.value("albert_queue_wait_seconds_count", ""), "the three requests that were queued");
            assertEquals(3.0, metrics.value("albert_forward_seconds_count", ""));
            assertTrue(metrics.value("albert_forward_seconds_sum", "") > 0);
            assertTrue(metrics.value("albert_queue_wait_seconds_sum", "") >= 0);
            assertEquals(3.0, metrics.value("albert_forward_passes_total", ""));
            assertEquals(0.0, metrics.value("albert_batch_retries_total", ""));
            assertEquals(0.0, metrics.value("albert_queued_requests", ""));
            assertEquals(0.0, metrics.value("albert_running_requests", ""));

            Exposition next = Exposition.parse(scrape(fresh).body());
            assertEquals(1.0, next.value("albert_http_requests_total", "route=/metrics,method=GET,status=200"));
        } finally {
            fresh.stop();
        }
    }

    /** Concurrent clients: requests batched together are still each counted once, and their inputs once. */
    @Test
    void metricsCountConcurrentRequestsExactly() throws Exception {
        AlbertServer busy = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withMaxWaitMs(20));
        try {
            int clients = 4;
            int perClient = 10;
            List<CompletableFuture<ServerTestSupport.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < clients * perClient; i++) {
                replies.add(ServerTestSupport.postAsync(busy, "{\"inputs\": " + texts(1 + i % 2) + "}"));
            }
            for (CompletableFuture<ServerTestSupport.Reply> reply : replies) {
                assertEquals(200, reply.get(120, TimeUnit.SECONDS).status());
            }
            int inputs = clients * perClient / 2 * (1 + 2);
            Exposition metrics = Exposition.parse(scrape(busy).body());
            assertEquals(clients * perClient, metrics.value("albert_http_requests_total", "route=/,method=POST,status=200"));
            assertEquals(inputs, metrics.value("albert_batch_size_sum", ""), "every input in exactly one model call");
            assertEquals(clients * perClient, metrics.value("albert_queue_wait_seconds_count", ""));
            double calls = metrics.value("albert_batch_size_count", "");
            assertEquals(calls, metrics.value("albert_forward_seconds_count", ""));
            assertTrue(calls >= 1 && calls <= clients * perClient, "model calls: " + calls);
        } finally {
            busy.stop();
        }
    }

    @Test
    void metricsAreWellFormedExposition() throws IOException {
        post(server, "{\"inputs\": \"something to count\"}");
        Exposition metrics = Exposition.parse(scrape(server).body());
        assertEquals(Map.of(
                        "albert_http_requests_total", "counter",
                        "albert_http_errors_total", "counter",
                        "albert_batch_size", "histogram",
                        "albert_queue_wait_seconds", "histogram",
                        "albert_forward_seconds", "histogram",
                        "albert_forward_passes_total", "counter",
                        "albert_batch_retries_total", "counter",
                        "albert_queued_requests", "gauge",
                        "albert_running_requests", "gauge"),
                metrics.types);
        for (String histogram : List.of("albert_batch_size", "albert_queue_wait_seconds", "albert_forward_seconds")) {
            metrics.assertHistogram(histogram);
        }
    }

    private static HttpResponse<String> scrape(AlbertServer s) {
        try {
            return ServerTestSupport.CLIENT.send(ServerTestSupport.request(s, "/metrics").GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String texts(int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(quote("text number " + i));
        }
        return array(texts);
    }

    /**
     * A strict reader of the text format: each family's {@code # HELP} then {@code # TYPE} once, before
     * its samples; samples named after their family (histograms: {@code _bucket}, {@code _sum},
     * {@code _count}); label values unescaped. Samples are keyed by name and {@code k=v,...} in order.
     */
    static final class Exposition {
        private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
        private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
        private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");

        final Map<String, String> types = new LinkedHashMap<>();
        final Map<String, Map<String, Double>> samples = new LinkedHashMap<>();
        final Map<String, List<String>> order = new LinkedHashMap<>();

        static Exposition parse(String text) {
            assertTrue(text.endsWith("\n"), "the last line ends with a line feed");
            Exposition e = new Exposition();
            Set<String> helped = new HashSet<>();
            String family = null;
            for (String line : text.split("\n")) {
                Matcher m;
                if ((m = HELP.matcher(line)).matches()) {
                    assertTrue(helped.add(m.group(1)), "one HELP for " + m.group(1));
                    family = m.group(1);
                } else if ((m = TYPE.matcher(line)).matches()) {
                    assertEquals(family, m.group(1), "TYPE follows its HELP");
                    assertEquals(null, e.types.put(m.group(1), m.group(2)), "one TYPE for " + m.group(1));
                } else if ((m = SAMPLE.matcher(line)).matches()) {
                    String name = m.group(1);
                    assertNotNull(family, "a sample before any family: " + line);
                    assertTrue(e.types.containsKey(family), "TYPE before the samples of " + family);
                    assertTrue(name.equals(family) || (e.types.get(family).equals("histogram")
                            && List.of(family + "_bucket", family + "_sum", family + "_count").contains(name)),
                            name + " belongs to family " + family);
                    String labels = labels(m.group(2));
                    Double previous = e.samples.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(labels, value(m.group(3)));
                    assertEquals(null, previous, "one sample per series: " + line);
                    e.order.computeIfAbsent(name, n -> new ArrayList<>()).add(labels);
                } else {
                    fail("not a line of the text format: " + line);
                }
            }
            return e;
        }

        private static String labels(String text) {
            if (text == null) {
                return "";
            }
            Matcher m = LABEL.matcher(text);
            List<String> pairs = new ArrayList<>();
            int end = 0;
            while (m.find() && m.start() == end) {
                pairs.add(m.group(1) + "=" + m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\"));
                end = m.end();
            }
            assertEquals(text.length(), end, "labels: " + text);
            return String.join(",", pairs);
        }

        private static double value(String text) {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        }

        Map<String, Double> series(String name) {
            return samples.getOrDefault(name, Map.of());
        }

        double value(String name, String labels) {
            Double v = series(name).get(labels);
            assertNotNull(v, name + "{" + labels + "} in " + samples.keySet() + " " + series(name).keySet());
            return v;
        }

        /** Buckets in ascending {@code le} up to {@code +Inf}, never decreasing, {@code _count} = the {@code +Inf} bucket. */
        void assertHistogram(String name) {
            List<String> les = order.get(name + "_bucket");
            assertNotNull(les, name + "_bucket");
            assertEquals("le=+Inf", les.get(les.size() - 1));
            double[] bounds = les.stream().mapToDouble(l -> value(l.substring("le=".length()))).toArray();
            double[] sorted = bounds.clone();
            Arrays.sort(sorted);
            assertArrayEquals(sorted, bounds, "le ascending: " + les);
            double last = 0;
            for (String le : les) {
                double count = value(name + "_bucket", le);
                assertTrue(count >= last, name + " buckets are cumulative");
                last = count;
            }
            assertEquals(last, value(name + "_count", ""));
            assertTrue(value(name + "_sum", "") >= 0);
            assertFalse(les.stream().anyMatch(l -> l.substring("le=".length()).toLowerCase(Locale.ROOT).contains("e")),
                    "plain decimals, no exponents: " + les);
        }
    }

    /** One request over a raw socket with {@code Connection: close}: status, headers and every byte after them. */
    record Raw(int status, Map<String, String> headers, byte[] body) {
        static Raw exchange(AlbertServer server, String method, String path) throws IOException {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        + (method.equals("POST") || method.equals("DELETE") ? "Content-Length: 0\r\n" : "") + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] all = in.readAllBytes();
                String text = new String(all, StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                assertTrue(end > 0, "a complete header block: " + text);
                String[] lines = text.substring(0, end).split("\r\n");
                Map<String, String> headers = new HashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                byte[] body = Arrays.copyOfRange(all, end + 4, all.length);
                return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
            }
        }

        String header(String name) {
            return headers.get(name);
        }
    }
}
