package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.AlbertException;
import io.albert4j.Albert4j;
import io.albert4j.wire.JsonResults;
import io.albert4j.config.AlbertConfig;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.AlbertTokenizer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP server for one ALBERT checkpoint that speaks Hugging Face's Inference API (the wire format
 * {@code huggingface_hub.InferenceClient} sends to a model URL) for the checkpoint's task:
 * fill-mask, text-classification, question-answering, token-classification or feature-extraction.
 *
 * <ul>
 *   <li>{@code POST /} and {@code POST /models/{name}} (any name; the server has one model): inference.
 *       The answers are exactly what the CLI prints for the same input ({@link JsonResults}).</li>
 *   <li>{@code GET /health}: 200 {@code {"status": "ok"}} while serving, 503 while stopping.</li>
 *   <li>{@code GET /info}: model, task, configuration, limits, library version and counters.</li>
 *   <li>{@code GET /metrics}: Prometheus' text format 0.0.4: requests by route, method and status, errors
 *       by status, histograms of batch sizes, queue wait and model-call time (seconds), queue gauges.</li>
 *   <li>{@code HEAD} on each {@code GET} route: the same status and headers, no body.</li>
 * </ul>
 *
 * <p>Two ways to start: {@link #start(ServerOptions)} loads the checkpoint directory the options name
 * and owns it ({@link #stop()} closes it); {@link #start(AlbertModel, AlbertTokenizer, ServerOptions)}
 * serves a model the application has loaded and leaves it open: the application closes it after the
 * server has stopped.
 *
 * <p>Requests that arrive together are run as one forward pass (dynamic batching, see
 * {@link ServerOptions#maxWaitMs()} and {@link ServerOptions#maxBatch()}). Errors are JSON
 * {@code {"error": "..."}}: 400 for malformed JSON, wrong fields or input the model refuses, 404 for
 * an unknown route, 405 for a wrong method, 408 for a body not received within
 * {@link ServerOptions#requestTimeoutMs()}, 413 for a request over one of the budgets (body bytes,
 * inputs, tokens, output size: see {@link ServerOptions}), 503 with {@code Retry-After} when the queue
 * is full or the server is stopping; 500 only for a bug or an out-of-memory error, with a generic
 * message and a reference to the logged details (the server keeps serving).
 *
 * <p>The HTTP layer is Jetty 12 (its core API, no servlets): request headers are parsed without
 * holding a thread, the body is read asynchronously, and idle connections are closed after
 * {@link ServerOptions#idleTimeoutMs()}, so slow or stalled clients hold a connection (at most
 * {@link ServerOptions#maxConnections()} of them) but never a thread. Inference runs on the batching
 * thread only; HTTP threads read, parse and tokenize requests and write responses.
 *
 * <p>Thread-safe: all methods may be called from any thread. {@link #stop()} is idempotent; calls
 * made while another thread stops the server wait until it has stopped. The counters behind
 * {@code /info} and {@code /metrics} are atomics and {@link java.util.concurrent.atomic.LongAdder}s,
 * updated without locks by HTTP threads and the batching thread.
 *
 * <pre>{@code
 * try (AlbertServer server = AlbertServer.start(ServerOptions.defaults(Path.of("albert-base-v2")).withPort(0))) {
 *     System.out.println("listening on " + server.uri());
 *     server.awaitStop();
 * }
 * }</pre>
 */
public final class AlbertServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlbertServer.class);
    private static final String RETRY_AFTER_SECONDS = "1";
    private static final AtomicLong INCIDENTS = new AtomicLong();
    private static final String JSON_TYPE = "application/json";
    /** The routes answered to GET and HEAD. */
    private static final Set<String> READ_ROUTES = Set.of("/health", "/info", "/metrics");

    private final ServerOptions options;
    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;
    /** Whether {@link #stop()} closes the model and tokenizer: only when the server loaded them. */
    private final boolean ownsModel;
    private final ServedTask task;
    private final Counters counters = new Counters();
    private final Batcher batcher;
    private final QueuedThreadPool threads;
    private final Server http;
    private final ServerConnector connector;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean stopStarted = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    private AlbertServer(ServerOptions options, AlbertModel model, AlbertTokenizer tokenizer, boolean ownsModel) {
        this.options = options;
        this.model = model;
        this.tokenizer = tokenizer;
        this.ownsModel = ownsModel;
        this.task = ServedTask.of(model, tokenizer, options);
        batcher = new Batcher(options.queueSize(), options.maxBatch(), options.maxBatchTokens(), options.maxWaitMs(),
                counters, this::releaseBatchingThreadWorkspace);
        // the HTTP workers plus Jetty's acceptor and selector, which it leases from the same pool
        threads = new QueuedThreadPool(options.threads() + 4, Math.min(options.threads() + 4, 4));
        threads.setName("albert-http");
        threads.setDaemon(true);
        http = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        connector = new ServerConnector(http, 1, 1, new HttpConnectionFactory(config));
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(options.idleTimeoutMs());
        http.addConnector(connector);
        http.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
        http.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                AlbertServer.this.handle(new Call(request, response, callback));
                return true;
            }
        });
        http.setErrorHandler(this::protocolError);
        try {
            http.start();
        } catch (Exception e) {
            batcher.close();
            try {
                http.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new AlbertException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads the checkpoint in {@link ServerOptions#modelDir()} (with {@link ServerOptions#tokenizerMode()})
     * and starts serving it. The server owns that model: {@link #stop()} closes it.
     *
     * @throws IllegalArgumentException when the options name no model directory
     * @throws AlbertException          when the checkpoint cannot be loaded or the address cannot be bound
     */
    public static AlbertServer start(ServerOptions options) {
        if (options.modelDir() == null) {
            throw new IllegalArgumentException("the server options name no model directory: give one "
                    + "(ServerOptions.defaults(dir)) or start the server on a loaded model (start(model, tokenizer, options))");
        }
        AlbertModel model = AlbertModel.load(options.modelDir());
        AlbertTokenizer tokenizer = null;
        try {
            tokenizer = AlbertTokenizer.load(options.modelDir(), options.tokenizerMode());
            AlbertServer server = new AlbertServer(options, model, tokenizer, true);
            LOG.info("serving {} ({}) from {} on {}", server.task.name(), model.architecture().className(),
                    options.modelDir(), server.uri());
            return server;
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            model.close();
            throw e;
        }
    }

    /**
     * Starts serving a model the caller has already loaded, with its tokenizer: the task comes from the
     * model's architecture, as in the directory form. The caller keeps ownership: {@link #stop()} does
     * not close the model or the tokenizer; close them after the server has stopped (once
     * {@code stop()} returns, the server no longer uses them and its batching thread has released its
     * activation buffers). Meanwhile the caller may go on using both from other threads (they are
     * thread-safe); the server runs the model on its one batching thread.
     *
     * <p>{@link ServerOptions#modelDir()} may be null ({@link ServerOptions#defaults()}); it is only
     * shown by {@code GET /info}. {@link ServerOptions#tokenizerMode()} is replaced by the tokenizer's
     * own mode.
     *
     * <pre>{@code
     * try (AlbertModel model = AlbertModel.load(dir);
     *      AlbertTokenizer tokenizer = AlbertTokenizer.load(dir);
     *      AlbertServer server = AlbertServer.start(model, tokenizer, ServerOptions.defaults().withPort(0))) {
     *     System.out.println("listening on " + server.uri());
     *     // ... the application goes on; closing the server (first) stops it, then the model is closed
     * }
     * }</pre>
     *
     * @throws AlbertException when the address cannot be bound
     */
    public static AlbertServer start(AlbertModel model, AlbertTokenizer tokenizer, ServerOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tokenizer, "tokenizer");
        ServerOptions actual = options.withTokenizerMode(tokenizer.mode());
        AlbertServer server = new AlbertServer(actual, model, tokenizer, false);
        LOG.info("serving {} ({}), a model loaded by the application, on {}", server.task.name(),
                model.architecture().className(), server.uri());
        return server;
    }

    /** The port the server listens on (the chosen one when the options asked for 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port/}, the URL to give {@code InferenceClient(model=...)}. */
    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** The Hugging Face task served: fill-mask, text-classification, ... */
    public String task() {
        return task.name();
    }

    public ServerOptions options() {
        return options;
    }

    /**
     * Stops gracefully: new requests are answered 503, requests in flight are finished (for at most
     * {@link ServerOptions#shutdownTimeoutMs()}), then the port is closed, the batching thread ends,
     * and a model the server loaded itself ({@link #start(ServerOptions)}) is closed; a model given to
     * {@link #start(AlbertModel, AlbertTokenizer, ServerOptions)} is left to its owner.
     */
    public void stop() {
        if (!stopStarted.compareAndSet(false, true)) {
            awaitStopUninterruptibly();
            return;
        }
        stopping = true;
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.shutdownTimeoutMs());
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                sleep(5);
            }
            if (inFlight.get() > 0) {
                LOG.warn("stopping with {} requests still in flight after {} ms", inFlight.get(),
                        options.shutdownTimeoutMs());
            }
            try {
                http.stop();
            } catch (Exception e) {
                LOG.warn("stopping the HTTP server: {}", e.toString());
            }
            batcher.close();
            if (ownsModel) {
                tokenizer.close();
                model.close();
            }
            LOG.info("stopped after {} requests", counters.requests.get());
        } finally {
            stopped.countDown();
        }
    }

    /** Waits until the server has stopped. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    // ---- HTTP ----

    /** One exchange, answered exactly once. */
    private final class Call {
        final Request request;
        final Response response;
        final Callback callback;
        final String path;
        final String method;
        final boolean inference;
        /** The route matched, as the metrics label it: {@code /models/{name}}, not the name sent. */
        final String route;
        private final AtomicBoolean answered = new AtomicBoolean();

        Call(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.path = request.getHttpURI().getPath() == null ? "/" : request.getHttpURI().getPath();
            this.method = request.getMethod();
            this.inference = path.equals("/") || (path.startsWith("/models/") && path.length() > "/models/".length());
            this.route = inference ? (path.equals("/") ? "/" : "/models/{name}")
                    : READ_ROUTES.contains(path) ? path : Counters.UNMATCHED;
            inFlight.incrementAndGet();
        }

        void send(int status, JsonNode body) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            byte[] bytes;
            try {
                bytes = JsonResults.JSON.writeValueAsBytes(body);
            } catch (IOException | RuntimeException e) {
                AlbertException nonFinite = JsonResults.nonFinite(e);
                status = 500;
                bytes = errorBytes(nonFinite != null ? nonFinite.getMessage() : incident("writing the response", e));
            }
            write(status, JSON_TYPE, bytes);
        }

        void sendText(int status, String contentType, String body) {
            if (answered.compareAndSet(false, true)) {
                write(status, contentType, body.getBytes(StandardCharsets.UTF_8));
            }
        }

        /**
         * Writes the response. For HEAD, Jetty sends the same headers, {@code Content-Length} included,
         * and leaves the body out.
         */
        private void write(int status, String contentType, byte[] bytes) {
            response.setStatus(status);
            HttpFields.Mutable headers = response.getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, contentType);
            if (status == 503) {
                headers.put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
            }
            if (stopping || status == 413 || status == 408) {
                headers.put(HttpHeader.CONNECTION, "close");
            }
            count(status);
            counters.responded(route, method, status);
            response.write(true, ByteBuffer.wrap(bytes), Callback.from(() -> {
                inFlight.decrementAndGet();
                callback.succeeded();
            }, failure -> {
                inFlight.decrementAndGet();
                LOG.debug("could not send the response: {}", failure.toString());
                callback.failed(failure);
            }));
        }

        void error(int status, String message) {
            send(status, JsonResults.JSON.createObjectNode().put("error", message));
        }

        private void count(int status) {
            if (status >= 500 && status != 503) {
                counters.serverErrors.incrementAndGet();
            } else if (inference && method.equals("POST")) {
                if (status == 200) {
                    counters.ok.incrementAndGet();
                } else if (status == 503) {
                    counters.rejected.incrementAndGet();
                } else {
                    counters.clientErrors.incrementAndGet();
                }
            }
        }
    }

    private static byte[] errorBytes(String message) {
        try {
            return JsonResults.JSON.writeValueAsBytes(JsonResults.JSON.createObjectNode().put("error", message));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a string field always serializes
        }
    }

    /** Logs an unexpected failure with a reference number; the client gets only the reference. */
    private static String incident(String what, Throwable e) {
        long id = INCIDENTS.incrementAndGet();
        LOG.error("incident {}: {} failed", id, what, e);
        return "internal server error (incident " + id + " in the server log)";
    }

    private void handle(Call call) {
        try {
            if (call.inference) {
                requireMethod(call, "POST");
                infer(call);
            } else if (call.path.equals("/health")) {
                requireRead(call);
                call.send(stopping ? 503 : 200, JsonResults.JSON.createObjectNode().put("status", stopping ? "stopping" : "ok"));
            } else if (call.path.equals("/info")) {
                requireRead(call);
                call.send(200, info());
            } else if (call.path.equals("/metrics")) {
                requireRead(call);
                call.sendText(200, PrometheusText.CONTENT_TYPE, counters.prometheus(batcher.queued(), batcher.running()));
            } else {
                throw new HttpError(404, "no route " + call.method + " " + AlbertException.quote(call.path)
                        + "; routes: POST /, POST /models/{name}, GET /health, GET /info, GET /metrics (and HEAD"
                        + " where GET is)");
            }
        } catch (HttpError e) {
            call.error(e.status, e.getMessage());
        } catch (RuntimeException | Error e) {
            call.error(500, incident(call.method + " " + call.path, e));
        }
    }

    private static void requireMethod(Call call, String method) {
        if (!call.method.equals(method)) {
            call.response.getHeaders().put(HttpHeader.ALLOW, method);
            throw new HttpError(405, call.method + " is not allowed on " + AlbertException.quote(call.path) + "; use " + method);
        }
    }

    /** GET, or HEAD: the same status and headers without the body. */
    private static void requireRead(Call call) {
        if (!call.method.equals("GET") && !call.method.equals("HEAD")) {
            call.response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            throw new HttpError(405, call.method + " is not allowed on " + AlbertException.quote(call.path) + "; use GET");
        }
    }

    /**
     * Reads the body without holding a thread while bytes trickle in, then parses it on an HTTP
     * thread and queues the job for the batcher. A body not complete within the request time-out is
     * answered 408.
     */
    private void infer(Call call) {
        counters.requests.incrementAndGet();
        if (stopping) {
            throw new HttpError(503, "server is shutting down");
        }
        long limit = options.maxBodyBytes();
        long declared = call.request.getLength();
        if (declared > limit) {
            throw tooLarge(declared + " bytes");
        }
        batcher.arriving().incrementAndGet();
        CompletableFuture<byte[]> body = new CompletableFuture<>();
        Scheduler.Task timeout = http.getScheduler().schedule(() -> body.completeExceptionally(new HttpError(408,
                "the request body was not received within " + options.requestTimeoutMs() + " ms (--request-timeout-ms)")),
                options.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        readBody(call.request, limit, body);
        body.whenCompleteAsync((bytes, failure) -> {
            timeout.cancel();
            try {
                if (failure != null) {
                    throw bodyFailure(failure);
                }
                queue(call, bytes);
            } catch (HttpError e) {
                call.error(e.status, e.getMessage());
            } catch (RuntimeException | Error e) {
                call.error(500, incident("parsing a request", e));
            } finally {
                batcher.arriving().decrementAndGet();
            }
        }, threads);
    }

    /**
     * Reads a body chunk by chunk as it arrives: no thread waits for a slow client (Jetty calls back
     * when more is there). Completes {@code body} with the bytes, or exceptionally with a 413 once more
     * than {@code limit} bytes came, or with the connection's failure.
     */
    private void readBody(Request request, long limit, CompletableFuture<byte[]> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Runnable() {
            @Override
            public void run() {
                while (!body.isDone()) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        request.demand(this);
                        return;
                    }
                    if (Content.Chunk.isFailure(chunk)) {
                        body.completeExceptionally(chunk.getFailure());
                        return;
                    }
                    ByteBuffer bytes = chunk.getByteBuffer();
                    if (out.size() + (long) bytes.remaining() > limit) {
                        chunk.release();
                        body.completeExceptionally(tooLarge("more than " + limit + " bytes"));
                        return;
                    }
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    out.write(copy, 0, copy.length);
                    chunk.release();
                    if (chunk.isLast()) {
                        body.complete(out.toByteArray());
                    }
                }
            }
        }.run();
    }

    private static HttpError bodyFailure(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpError e) {
            return e;
        }
        return HttpError.badRequest("could not read the request body: it is malformed (a bad chunk size, say) or the "
                + "connection ended early (" + AlbertException.quote(String.valueOf(cause.getMessage())) + ")");
    }

    private void queue(Call call, byte[] bytes) {
        Job<?, ?> job = task.parse(bytes);
        if (job.inputs().size() > options.maxInputs()) {
            throw new HttpError(413, "the request has " + job.inputs().size() + " inputs; the limit is "
                    + options.maxInputs() + " (--max-inputs)");
        }
        Batcher.Work work = new Batcher.Work(job);
        if (!batcher.offer(work)) {
            throw new HttpError(503, stopping ? "server is shutting down"
                    : "the request queue is full (" + options.queueSize() + " waiting); retry later");
        }
        work.result.whenCompleteAsync((results, failure) -> answer(call, work, results, failure), threads);
    }

    private void answer(Call call, Batcher.Work work, List<?> results, Throwable failure) {
        try {
            if (failure == null) {
                call.send(200, work.job.respondTo(results));
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof HttpError e) {
                call.error(e.status, e.getMessage());
            } else if (cause instanceof AlbertException) {
                call.error(400, cause.getMessage());
            } else {
                call.error(500, incident("inference", cause));
            }
        } catch (RuntimeException | Error e) {
            call.error(500, incident("answering", e));
        }
    }

    private HttpError tooLarge(String size) {
        return new HttpError(413, "request body of " + size + " exceeds the limit of " + options.maxBodyBytes()
                + " bytes (--max-body-bytes)");
    }

    /** Jetty's own refusals (a malformed request line, headers too large, a bad chunk size) as JSON errors. */
    private boolean protocolError(Request request, Response response, Callback callback) {
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        int status = response.getStatus() >= 400 ? response.getStatus() : 400;
        String text = "bad request (HTTP " + status + ")" + (message == null ? "" : ": " + AlbertException.quote(message.toString()));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        counters.responded(Counters.UNMATCHED, request.getMethod(), status);
        response.write(true, ByteBuffer.wrap(errorBytes(text)), callback);
        return true;
    }

    private ObjectNode info() {
        ObjectNode o = JsonResults.JSON.createObjectNode();
        o.put("task", task.name());
        o.put("architecture", model.architecture().className());
        o.put("model_dir", options.modelDir() == null ? null : options.modelDir().toAbsolutePath().normalize().toString());
        AlbertConfig c = model.config();
        ObjectNode config = o.putObject("config");
        config.put("vocab_size", c.vocabSize());
        config.put("embedding_size", c.embeddingSize());
        config.put("hidden_size", c.hiddenSize());
        config.put("num_hidden_layers", c.numHiddenLayers());
        config.put("num_hidden_groups", c.numHiddenGroups());
        config.put("inner_group_num", c.innerGroupNum());
        config.put("num_attention_heads", c.numAttentionHeads());
        config.put("intermediate_size", c.intermediateSize());
        config.put("hidden_act", c.hiddenAct().configName());
        config.put("max_position_embeddings", c.maxPositionEmbeddings());
        config.put("type_vocab_size", c.typeVocabSize());
        if (model.architecture() == Architecture.SEQUENCE_CLASSIFICATION
                || model.architecture() == Architecture.TOKEN_CLASSIFICATION) {
            c.id2label().forEach(config.putArray("labels")::add);
        }
        ObjectNode library = o.putObject("library");
        library.put("name", "albert4j");
        library.put("version", Albert4j.version());
        ObjectNode limits = o.putObject("options");
        limits.put("threads", options.threads());
        limits.put("max_batch", options.maxBatch());
        limits.put("max_wait_ms", options.maxWaitMs());
        limits.put("queue_size", options.queueSize());
        limits.put("max_body_bytes", options.maxBodyBytes());
        limits.put("max_inputs", options.maxInputs());
        limits.put("max_request_tokens", options.maxRequestTokens());
        limits.put("max_batch_tokens", options.maxBatchTokens());
        limits.put("max_candidates", options.maxCandidates());
        limits.put("max_output_floats", options.maxOutputFloats());
        limits.put("max_connections", options.maxConnections());
        limits.put("idle_timeout_ms", options.idleTimeoutMs());
        limits.put("request_timeout_ms", options.requestTimeoutMs());
        limits.put("shutdown_timeout_ms", options.shutdownTimeoutMs());
        o.set("counters", counters.toJson(batcher.queued(), batcher.running()));
        return o;
    }

    /** Run by the batching thread as it ends: a model the application keeps should not keep that thread's buffers. */
    private void releaseBatchingThreadWorkspace() {
        try {
            model.releaseWorkspace();
        } catch (IllegalStateException e) {
            LOG.debug("the model was closed before the server stopped: {}", e.getMessage());
        }
    }

    private void awaitStopUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
