package io.albert4j.server;

import io.albert4j.tokenizer.TokenizerMode;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of an {@link AlbertServer}. Immutable and thread-safe; the {@code with...} methods return
 * copies. The constructor rejects out-of-range values with {@link IllegalArgumentException}. Each
 * setting is a flag of the {@code serve} command ({@code --max-inputs} for {@code maxInputs}, ...).
 *
 * @param modelDir          the checkpoint directory to serve (config.json, weights, spiece.model); null for a
 *                          server started on a model the application loaded ({@link
 *                          AlbertServer#start(io.albert4j.model.AlbertModel, io.albert4j.tokenizer.AlbertTokenizer,
 *                          ServerOptions)}), where it is only shown by {@code GET /info}
 * @param host              the address to listen on ({@code 127.0.0.1}: this machine only)
 * @param port              the TCP port; 0 picks a free one (see {@link AlbertServer#port()})
 * @param threads           HTTP worker threads: they parse and tokenize requests and write responses
 *                          (inference itself runs on the server's one batching thread; reading a slow body
 *                          holds no thread)
 * @param maxBatch          the most sequences run in one forward pass
 * @param maxWaitMs         how long a request may wait for others to join its forward pass when more are on
 *                          their way; 0 never waits
 * @param queueSize         requests waiting for the model before new ones are refused with 503
 * @param maxBodyBytes      the largest request body accepted; larger ones are refused with 413
 * @param maxInputs         the most inputs (texts, pairs, questions) one request may hold; more are refused
 *                          with 413 (as text-embeddings-inference's --max-client-batch-size)
 * @param maxRequestTokens  the most tokens one request may hold, all inputs together (a question-answering
 *                          context counts whole); more are refused with 413
 * @param maxBatchTokens    the most tokens (sequences × padded length) one forward pass may hold; bigger
 *                          batches and question-answering windows are split into several passes, so memory
 *                          is bounded by this budget, not by the request (as text-embeddings-inference's
 *                          --max-batch-tokens)
 * @param maxCandidates     fill-mask: the most candidates one response may hold (masks × texts × top_k);
 *                          more are refused with 413
 * @param maxOutputFloats   feature-extraction: the most numbers one response may hold (tokens × hidden
 *                          size, summed over the texts); more are refused with 413
 * @param maxConnections    open connections at most; beyond it the server stops accepting until one closes
 * @param idleTimeoutMs     a connection on which nothing is received or sent for this long is closed (a
 *                          stalled client, an idle keep-alive)
 * @param requestTimeoutMs  the time a request body may take to arrive once its headers have; a slower one
 *                          is answered 408 and its connection closed
 * @param shutdownTimeoutMs how long {@link AlbertServer#stop()} waits for in-flight requests
 * @param tokenizerMode     {@link TokenizerMode#FAST} (default: transformers' pipelines' answers) or {@link
 *                          TokenizerMode#SLOW} (transformers 4's slow tokenizer and pipelines)
 */
public record ServerOptions(Path modelDir, String host, int port, int threads, int maxBatch, int maxWaitMs,
                            int queueSize, long maxBodyBytes, int maxInputs, int maxRequestTokens, int maxBatchTokens, int maxCandidates,
                            long maxOutputFloats, int maxConnections, int idleTimeoutMs, int requestTimeoutMs, int shutdownTimeoutMs,
                            TokenizerMode tokenizerMode) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH = 32;
    public static final int DEFAULT_MAX_WAIT_MS = 5;
    public static final int DEFAULT_QUEUE_SIZE = 256;
    public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_INPUTS = 32;
    public static final int DEFAULT_MAX_REQUEST_TOKENS = 32_768;
    public static final int DEFAULT_MAX_BATCH_TOKENS = 16_384;
    public static final int DEFAULT_MAX_CANDIDATES = 10_000;
    public static final long DEFAULT_MAX_OUTPUT_FLOATS = 1 << 22;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_IDLE_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

    public ServerOptions {
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
        atLeast("max request tokens", maxRequestTokens, 1);
        atLeast("max batch tokens", maxBatchTokens, 1);
        atLeast("max candidates", maxCandidates, 1);
        atLeast("max output floats", maxOutputFloats, 1);
        atLeast("max connections", maxConnections, 1);
        atLeast("idle timeout ms", idleTimeoutMs, 1);
        atLeast("request timeout ms", requestTimeoutMs, 1);
        atLeast("shutdown timeout ms", shutdownTimeoutMs, 0);
    }

    /**
     * The defaults: 127.0.0.1:8080, 2 × cores threads, batches of 32 sequences and 16,384 tokens, 5 ms,
     * 256 queued, 1 MiB bodies, 32 inputs and 32,768 tokens per request, 10,000 fill-mask candidates
     * and 4,194,304 feature numbers per response, 1,024 connections, 30 s idle and 10 s body time-outs,
     * 30 s to stop, the fast tokenizer.
     */
    public static ServerOptions defaults(Path modelDir) {
        Objects.requireNonNull(modelDir, "modelDir");
        return defaults().withModelDir(modelDir);
    }

    /**
     * The defaults without a model directory, for {@link AlbertServer#start(io.albert4j.model.AlbertModel,
     * io.albert4j.tokenizer.AlbertTokenizer, ServerOptions)}: the same values as {@link #defaults(Path)}.
     */
    public static ServerOptions defaults() {
        return new ServerOptions(null, DEFAULT_HOST, DEFAULT_PORT, 2 * Runtime.getRuntime().availableProcessors(),
                DEFAULT_MAX_BATCH, DEFAULT_MAX_WAIT_MS, DEFAULT_QUEUE_SIZE, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_INPUTS,
                DEFAULT_MAX_REQUEST_TOKENS, DEFAULT_MAX_BATCH_TOKENS, DEFAULT_MAX_CANDIDATES, DEFAULT_MAX_OUTPUT_FLOATS,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS,
                TokenizerMode.FAST);
    }

    public ServerOptions withModelDir(Path value) {
        return new ServerOptions(value, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats,
                maxConnections, idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withHost(String value) {
        return new ServerOptions(modelDir, value, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats,
                maxConnections, idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withPort(int value) {
        return new ServerOptions(modelDir, host, value, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats,
                maxConnections, idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withThreads(int value) {
        return new ServerOptions(modelDir, host, port, value, maxBatch, maxWaitMs, queueSize, maxBodyBytes,
                maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats, maxConnections,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxBatch(int value) {
        return new ServerOptions(modelDir, host, port, threads, value, maxWaitMs, queueSize, maxBodyBytes,
                maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats, maxConnections,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxWaitMs(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, value, queueSize, maxBodyBytes,
                maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats, maxConnections,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withQueueSize(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, value, maxBodyBytes,
                maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats, maxConnections,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxBodyBytes(long value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize, value,
                maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats, maxConnections,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxInputs(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, value, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats,
                maxConnections, idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxRequestTokens(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, value, maxBatchTokens, maxCandidates, maxOutputFloats, maxConnections,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxBatchTokens(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, value, maxCandidates, maxOutputFloats, maxConnections,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxCandidates(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, value, maxOutputFloats, maxConnections,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxOutputFloats(long value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, value, maxConnections,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withMaxConnections(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats, value,
                idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withIdleTimeoutMs(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats,
                maxConnections, value, requestTimeoutMs, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withRequestTimeoutMs(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats,
                maxConnections, idleTimeoutMs, value, shutdownTimeoutMs, tokenizerMode);
    }

    public ServerOptions withShutdownTimeoutMs(int value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats,
                maxConnections, idleTimeoutMs, requestTimeoutMs, value, tokenizerMode);
    }

    public ServerOptions withTokenizerMode(TokenizerMode value) {
        return new ServerOptions(modelDir, host, port, threads, maxBatch, maxWaitMs, queueSize,
                maxBodyBytes, maxInputs, maxRequestTokens, maxBatchTokens, maxCandidates, maxOutputFloats,
                maxConnections, idleTimeoutMs, requestTimeoutMs, shutdownTimeoutMs, value);
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", found " + value);
        }
    }
}
