package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.albert4j.server.ServerTestSupport.await;
import static io.albert4j.server.ServerTestSupport.counters;
import static io.albert4j.server.ServerTestSupport.get;
import static io.albert4j.server.ServerTestSupport.post;
import static io.albert4j.server.ServerTestSupport.postAsync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Graceful stop: requests in flight are answered, new ones refused, then the port closes. */
class ServerShutdownTest {
    @Test
    void stopFinishesRequestsInFlight() throws Exception {
        AlbertServer server = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withMaxInputs(1000));
        int port = server.port();
        CompletableFuture<ServerTestSupport.Reply> heavy = postAsync(server, ServerTestSupport.heavyClassificationBody(400));
        await("the long request runs", () -> counters(server).get("running").intValue() == 1);
        CompletableFuture<ServerTestSupport.Reply> queued = postAsync(server, "{\"inputs\": \"queued behind it\"}");
        await("the second request is queued", () -> counters(server).get("queued").intValue() == 1);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
        await("the server is stopping", () -> get(server, "/health").status() == 503);
        ServerTestSupport.Reply refused = post(server, "{\"inputs\": \"too late\"}");
        assertEquals(503, refused.status());
        assertEquals("server is shutting down", refused.error());
        assertEquals("1", refused.raw().headers().firstValue("Retry-After").orElse(""));

        ServerTestSupport.Reply heavyReply = heavy.get(60, TimeUnit.SECONDS);
        assertEquals(200, heavyReply.status());
        assertEquals(400, heavyReply.json().size());
        assertEquals(200, queued.get(60, TimeUnit.SECONDS).status());
        stopping.get(60, TimeUnit.SECONDS);
        server.stop(); // idempotent
        server.awaitStop();
        assertThrows(UncheckedIOException.class, () -> ServerTestSupport.send(HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build()));
    }

    /**
     * The real thing: {@code albert serve} in its own JVM, SIGTERM while a request is running; the
     * request is answered, then the process exits with status 0.
     */
    @Test
    void sigtermFinishesRequestsInFlightThenExits() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(javaBin.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--model", Fixtures.modelDir("albert-tiny-seqcls").toString(),
                "--port", "0", "--threads", "2", "--max-inputs", "1000").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            List<String> stderr = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<URI> listening = new CompletableFuture<>();
            Thread reader = new Thread(() -> readLines(process, stderr, listening));
            reader.setDaemon(true);
            reader.start();
            URI uri = listening.get(120, TimeUnit.SECONDS);
            HttpClient client = ServerTestSupport.client();
            assertEquals(200, ServerTestSupport.send(client, HttpRequest.newBuilder(uri.resolve("/health")).build()).status());

            CompletableFuture<HttpResponse<String>> heavy = client.sendAsync(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString(ServerTestSupport.heavyClassificationBody(400))).build(),
                    HttpResponse.BodyHandlers.ofString());
            await("the long request runs", () -> ServerTestSupport.send(client, HttpRequest.newBuilder(uri.resolve("/info"))
                    .build()).json().get("counters").get("running").intValue() == 1);
            process.destroy(); // SIGTERM
            HttpResponse<String> response = heavy.get(60, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            JsonNode answer = io.albert4j.wire.JsonResults.JSON.readTree(response.body());
            assertEquals(400, answer.size());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server exits after SIGTERM; stderr: " + stderr);
            assertEquals(0, process.exitValue(), "a drained shutdown is a success, not 128 + SIGTERM; stderr: " + stderr);
        } finally {
            process.destroyForcibly();
        }
    }

    private static void readLines(Process process, List<String> lines, CompletableFuture<URI> listening) {
        Pattern url = Pattern.compile("listening on (http://\\S+)");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
                Matcher m = url.matcher(line);
                if (m.find()) {
                    listening.complete(URI.create(m.group(1)));
                }
            }
            listening.completeExceptionally(new IllegalStateException("serve ended before listening: " + lines));
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
    }

    @Test
    void serveRejectsBadOptionsWithExitCode2() {
        String model = Fixtures.modelDir("albert-tiny-seqcls").toString();
        assertServeFails("expects an integer", "serve", "--model", model, "--port", "eighty");
        assertServeFails("max batch must be at least 1", "serve", "--model", model, "--max-batch", "0");
        assertServeFails("model directory not found", "serve", "--model", "/no/such/model");
        assertServeFails("unexpected argument", "serve", "--model", model, "extra");
        assertServeFails("unknown option --batch", "serve", "--batch", "4");
    }

    @Test
    void serveFailsCleanlyWhenThePortIsTaken() throws Exception {
        AlbertServer first = ServerTestSupport.start("albert-tiny-seqcls");
        try {
            assertServeFails("cannot listen on 127.0.0.1:" + first.port(), "serve", "--model",
                    Fixtures.modelDir("albert-tiny-seqcls").toString(), "--port", String.valueOf(first.port()));
        } finally {
            first.stop();
        }
    }

    private static void assertServeFails(String messagePart, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertTrue(message.contains(messagePart), message);
    }
}
