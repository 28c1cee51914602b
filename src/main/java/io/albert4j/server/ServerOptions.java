package io.albert4j.server;

import io.albert4j.tokenizer.TokenizerMode;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of an {@link AlbertServer}. Immutable and thread-safe; the {@code with...} methods return
 * copies. The constructor rejects out-of-range values with {@link IllegalArgumentException}.
 *
 * @param modelDir          the checkpoint directory to serve (config.json, weights, spiece.model)
 * @param host              the address to listen on ({@code 127.0.0.1}: this machine only)
 * @param port              the TCP port; 0 picks a free one (see {@link AlbertServer#port()})
 * @param threads           HTTP worker threads: they read and parse requests and write responses
 *                          (inference itself runs on the server's one batching thread)
 * @param maxBatch          the most sequences run in one forward pass
 * @param maxWaitMs         how long a request may wait for others to join its forward pass when
 *                          more are on their way; 0 never waits
 * @param queueSize         requests waiting for the model before new ones are refused with 503
 * @param maxBodyBytes      the largest request body accepted; larger ones are refused with 413
 * @param maxInputs         the most inputs (texts, pairs) one request may hold; more are refused with
 *                          413 (it bounds a response's size: token features grow with every text)
 * @param shutdownTimeoutMs how long {@link AlbertServer#stop()} waits for in-flight requests
 * @param tokenizerMode     {@link TokenizerMode#FAST} (default: transformers' pipelines' answers) or
 *                          {@link TokenizerMode#SLOW} (transformers 4's slow tokenizer and pipelines)
 */
public record ServerOptions(Path modelDir, String host, int port, int threads, int maxBatch, int maxWaitMs,
                            int queueSize, long maxBodyBytes, int maxInputs, int shutdownTimeoutMs,
                            TokenizerMode tokenizerMode) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH = 32;
    public static final int DEFAULT_MAX_WAIT_MS = 5;
    public static final int DEFAULT_QUEUE_SIZE = 256;
    public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_INPUTS = 256;
    public static final int DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

    public ServerOptions {
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tokenizerMode, "tokenizerMode");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535], found " + port);
        }
        atLeast("threads", threads, 1);
        atLeast("max batch", maxBatch, 1);
        atLeast("max wait ms", maxWaitMs, 0);
        atLeast("queue size", queueSize, 1);
        atLeast("max body bytes", maxBodyBytes, 1);
        atLeast("max inputs", maxInputs, 1);
        atLeast("shutdown timeout ms", shutdownTimeoutMs, 0);
    }

    /**
     * The defaults: 127.0.0.1:8080, 2 × cores threads, batches of 32, 5 ms, 256 queued, 1 MiB bodies,
     * 256 inputs per request, 30 s to stop, the fast tokenizer.
     */
    public static ServerOptions defaults(Path modelDir) {
        return new ServerOptions(modelDir, DEFAULT_HOST, DEFAULT_PORT, 2 * Runtime.getRuntime().availableProcessors(),
                DEFAULT_MAX_BATCH, DEFAULT_MAX_WAIT_MS, DEFAULT_QUEUE_SIZE, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_INPUTS,
                DEFAULT_SHUTDOWN_TIMEOUT_MS, TokenizerMode.FAST);
    }

    public ServerOptions withHost(String value) {
        return new ServerOptions(modelDir, value, port, threads, maxBatch, maxWaitMs, queueSize, maxBodyBytes,
                maxInputs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withPort(int value) {
        return new ServerOptions(modelDir, host, value, threads, maxBatch, maxWaitMs, queueSize, maxBodyBytes,
                maxInputs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withThreads(int value) {
        return new ServerOptions(modelDir, host, port, value, maxBatch, maxWaitMs, queueSize, maxBodyBytes,
                maxInputs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxBatch(int value) {
        return new ServerOptions(modelDir, host, port, threads, value, maxWaitMs, queueSize, maxBodyBytes, maxInputs,
                shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxWaitMs(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, value, queueSize, maxBodyBytes, maxInputs,
                shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withQueueSize(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, value, maxBodyBytes, maxInputs,
                shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxBodyBytes(long value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize, value, maxInputs,
                shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxInputs(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize, maxBodyBytes, value,
                shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withShutdownTimeoutMs(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize, maxBodyBytes,
                maxInputs, value, tokenizerMode);
    }

    public ServerOptions withTokenizerMode(TokenizerMode value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize, maxBodyBytes, maxInputs,
                shutdownTimeoutMs, value);
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", found " + value);
        }
    }
}
