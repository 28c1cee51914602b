package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.wire.JsonResults;
import io.albert4j.cli.Main;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Starts servers on fixture checkpoints (127.0.0.1, an ephemeral port), calls them with the JDK's
 * HTTP client, and runs the CLI in-process for the answers to compare with.
 */
final class ServerTestSupport {
    static final HttpClient CLIENT = client();

    private ServerTestSupport() {
    }

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A server for a tiny fixture model on 127.0.0.1 with a free port. */
    static AlbertServer start(String fixture, UnaryOperator<ServerOptions> tweak) {
        ServerOptions options = ServerOptions.defaults(Fixtures.modelDir(fixture)).withHost("127.0.0.1").withPort(0);
        return AlbertServer.start(tweak.apply(options));
    }

    static AlbertServer start(String fixture) {
        return start(fixture, o -> o);
    }

    /** A response: status, body parsed as JSON, and the raw response for headers. */
    record Reply(int status, JsonNode json, HttpResponse<String> raw) {
        /** The error message, after checking that the body is exactly {"error": "..."} . */
        String error() {
            assertTrue(json.isObject() && json.size() == 1 && json.path("error").isTextual(),
                    "expected {\"error\": \"...\"}, found " + raw.body());
            return json.get("error").textValue();
        }
    }

    static Reply post(AlbertServer server, String path, String body) {
        return send(CLIENT, request(server, path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static Reply post(AlbertServer server, String body) {
        return post(server, "/", body);
    }

    static Reply get(AlbertServer server, String path) {
        return send(CLIENT, request(server, path).GET().build());
    }

    static HttpRequest.Builder request(AlbertServer server, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json");
    }

    static Reply send(HttpClient client, HttpRequest request) {
        try {
            return reply(client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static CompletableFuture<Reply> postAsync(AlbertServer server, String body) {
        return CLIENT.sendAsync(request(server, "/").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).thenApply(ServerTestSupport::reply);
    }

    static Reply reply(HttpResponse<String> response) {
        try {
            JsonNode json = response.body().isEmpty() ? null : JsonResults.JSON.readTree(response.body());
            return new Reply(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new AssertionError("response is not JSON: " + response.body(), e);
        }
    }

    /** The answer of a request that must succeed. */
    static JsonNode ok(AlbertServer server, String body) {
        Reply reply = post(server, body);
        assertEquals(200, reply.status(), () -> "status of " + body + ": " + reply.raw().body());
        return reply.json();
    }

    static JsonNode counters(AlbertServer server) {
        Reply info = get(server, "/info");
        assertEquals(200, info.status());
        return info.json().get("counters");
    }

    /** What {@code albert.jar ARGS} prints, run in-process; it must exit 0. */
    static JsonNode cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, () -> "CLI " + List.of(args) + " failed: " + err.toString(StandardCharsets.UTF_8));
        try {
            return JsonResults.JSON.readTree(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code cli(command, "--model", DIR of fixture, args...)}. */
    static JsonNode cliFor(String fixture, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--model", Fixtures.modelDir(fixture).toString()));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    /** A JSON string literal. */
    static String quote(String text) {
        return JsonResults.JSON.getNodeFactory().textNode(text).toString();
    }

    /** A JSON array literal of the given JSON values. */
    static String array(List<String> jsonValues) {
        return "[" + String.join(",", jsonValues) + "]";
    }

    /** Waits (up to 30 s) until the condition holds. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A text-classification body of {@code n} texts of about 60 tokens: it keeps the batching thread
     * busy for a while, so that requests sent meanwhile queue up behind it.
     */
    static String heavyClassificationBody(int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(quote(("sentence number " + i + " is long enough to fill the model's positions ").repeat(4)));
        }
        return "{\"inputs\": " + array(texts) + "}";
    }
}
