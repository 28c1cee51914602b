package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.albert4j.AlbertException;
import io.albert4j.Albert4j;
import io.albert4j.cli.JsonResults;
import io.albert4j.config.AlbertConfig;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.AlbertTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * </ul>
 *
 * <p>Requests that arrive together are run as one forward pass (dynamic batching, see
 * {@link ServerOptions#maxWaitMs()} and {@link ServerOptions#maxBatch()}). Errors are JSON
 * {@code {"error": "..."}}: 400 for malformed JSON, wrong fields or input the model refuses, 404 for
 * an unknown route, 405 for a wrong method, 413 for a body over {@link ServerOptions#maxBodyBytes()} or
 * more inputs than {@link ServerOptions#maxInputs()},
 * 503 with {@code Retry-After} when the queue is full or the server is stopping; 500 only for a bug.
 *
 * <p>The HTTP layer is the JDK's own {@code com.sun.net.httpserver}: no dependency, HTTP/1.1 with
 * keep-alive, a configurable worker pool; handlers answer asynchronously once their batch is done.
 *
 * <p>Thread-safe: all methods may be called from any thread. {@link #stop()} is idempotent; calls
 * made while another thread stops the server wait until it has stopped.
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

    static {
        // The JDK server writes a response's headers and body separately; with Nagle's algorithm on,
        // the body then waits for the client's delayed ACK (about 40 ms per request). The JDK reads
        // this property once, when its first server is created; an explicit setting is respected.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final ServerOptions options;
    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;
    private final ServedTask task;
    private final Counters counters = new Counters();
    private final Batcher batcher;
    private final ThreadPoolExecutor executor;
    private final HttpServer http;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean stopStarted = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    private AlbertServer(ServerOptions options, AlbertModel model, AlbertTokenizer tokenizer) {
        this.options = options;
        this.model = model;
        this.tokenizer = tokenizer;
        this.task = ServedTask.of(model, tokenizer);
        try {
            http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        } catch (IOException e) {
            throw new AlbertException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        batcher = new Batcher(options.queueSize(), options.maxBatch(), options.maxWaitMs(), counters);
        AtomicInteger threadNumber = new AtomicInteger();
        executor = new ThreadPoolExecutor(options.threads(), options.threads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "albert-http-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    /**
     * Loads the checkpoint in {@link ServerOptions#modelDir()} and starts serving it.
     *
     * @throws AlbertException when the checkpoint cannot be loaded or the address cannot be bound
     */
    public static AlbertServer start(ServerOptions options) {
        AlbertModel model = AlbertModel.load(options.modelDir());
        AlbertTokenizer tokenizer = null;
        try {
            tokenizer = AlbertTokenizer.load(options.modelDir(), options.tokenizerMode());
            AlbertServer server = new AlbertServer(options, model, tokenizer);
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

    /** The port the server listens on (the chosen one when the options asked for 0). */
    public int port() {
        return http.getAddress().getPort();
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
     * {@link ServerOptions#shutdownTimeoutMs()}), then the port is closed and the model released.
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
            http.stop(0);
            batcher.close();
            executor.shutdown();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tokenizer.close();
            model.close();
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
        final HttpExchange exchange;
        final boolean inference;
        private final AtomicBoolean answered = new AtomicBoolean();

        Call(HttpExchange exchange, boolean inference) {
            this.exchange = exchange;
            this.inference = inference;
        }

        void send(int status, JsonNode body) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            try {
                byte[] bytes = JsonResults.JSON.writeValueAsBytes(body);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                if (status == 503) {
                    exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
                }
                if (stopping || status == 413) {
                    exchange.getResponseHeaders().set("Connection", "close");
                }
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            } catch (IOException e) {
                LOG.debug("could not send the response: {}", e.toString());
            } finally {
                exchange.close();
                count(status);
                inFlight.decrementAndGet();
            }
        }

        void error(int status, String message) {
            ObjectNode body = JsonResults.JSON.createObjectNode().put("error", message);
            send(status, body);
        }

        private void count(int status) {
            if (status >= 500 && status != 503) {
                counters.serverErrors.incrementAndGet();
            } else if (inference) {
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

    private void handle(HttpExchange exchange) {
        inFlight.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        boolean inference = path.equals("/") || (path.startsWith("/models/") && path.length() > "/models/".length());
        Call call = new Call(exchange, inference && method.equals("POST"));
        try {
            if (inference) {
                requireMethod(exchange, "POST");
                infer(call);
            } else if (path.equals("/health")) {
                requireMethod(exchange, "GET");
                call.send(stopping ? 503 : 200, JsonResults.JSON.createObjectNode().put("status", stopping ? "stopping" : "ok"));
            } else if (path.equals("/info")) {
                requireMethod(exchange, "GET");
                call.send(200, info());
            } else {
                throw new HttpError(404, "no route " + method + " " + path + "; routes: POST /, POST /models/{name}, "
                        + "GET /health, GET /info");
            }
        } catch (HttpError e) {
            call.error(e.status, e.getMessage());
        } catch (RuntimeException | Error e) {
            LOG.error("{} {} failed", method, path, e);
            call.error(500, "internal error: " + e);
        }
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw new HttpError(405, exchange.getRequestMethod() + " is not allowed on " + exchange.getRequestURI().getPath()
                    + "; use " + method);
        }
    }

    private void infer(Call call) {
        counters.requests.incrementAndGet();
        if (stopping) {
            throw new HttpError(503, "server is shutting down");
        }
        Batcher.Work work;
        batcher.arriving().incrementAndGet();
        try {
            byte[] body = readBody(call.exchange);
            Job job = task.parse(body);
            if (job.inputs().size() > options.maxInputs()) {
                throw new HttpError(413, "the request has " + job.inputs().size() + " inputs; the limit is "
                        + options.maxInputs() + " (--max-inputs)");
            }
            work = new Batcher.Work(job);
            if (!batcher.offer(work)) {
                throw new HttpError(503, stopping ? "server is shutting down"
                        : "the request queue is full (" + options.queueSize() + " waiting); retry later");
            }
        } finally {
            batcher.arriving().decrementAndGet();
        }
        work.result.whenCompleteAsync((results, failure) -> answer(call, work, results, failure), executor);
    }

    private void answer(Call call, Batcher.Work work, List<?> results, Throwable failure) {
        try {
            if (failure == null) {
                call.send(200, work.job.respond().apply(results));
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof HttpError e) {
                call.error(e.status, e.getMessage());
            } else if (cause instanceof AlbertException) {
                call.error(400, cause.getMessage());
            } else {
                LOG.error("inference failed", cause);
                call.error(500, "internal error: " + cause);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("answering failed", e);
            call.error(500, "internal error: " + e);
        }
    }

    /** The body, refusing (413) one longer than the limit before or while reading it. */
    private byte[] readBody(HttpExchange exchange) {
        long limit = options.maxBodyBytes();
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    throw tooLarge(declared.trim() + " bytes");
                }
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("invalid Content-Length \"" + declared + "\"");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                if (out.size() > limit) {
                    throw tooLarge("more than " + limit + " bytes");
                }
            }
        } catch (IOException e) {
            throw HttpError.badRequest("could not read the request body: " + e.getMessage());
        }
        return out.toByteArray();
    }

    private HttpError tooLarge(String size) {
        return new HttpError(413, "request body of " + size + " exceeds the limit of " + options.maxBodyBytes()
                + " bytes (--max-body-bytes)");
    }

    private ObjectNode info() {
        ObjectNode o = JsonResults.JSON.createObjectNode();
        o.put("task", task.name());
        o.put("architecture", model.architecture().className());
        o.put("model_dir", options.modelDir().toAbsolutePath().normalize().toString());
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
        limits.put("shutdown_timeout_ms", options.shutdownTimeoutMs());
        o.set("counters", counters.toJson(batcher.queued(), batcher.running()));
        return o;
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
