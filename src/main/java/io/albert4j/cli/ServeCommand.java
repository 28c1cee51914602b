package io.albert4j.cli;

import io.albert4j.server.AlbertServer;
import io.albert4j.server.ServerOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code serve [--model DIR|ID] [--host H] [--port P] [--threads N] [--max-batch N] [--max-wait-ms N]
 * [--queue-size N] [--max-body-bytes N] [--max-inputs N] [--max-request-tokens N] [--max-batch-tokens N]
 * [--max-candidates N] [--max-output-floats N] [--max-connections N] [--idle-timeout-ms N]
 * [--request-timeout-ms N] [--shutdown-timeout-ms N]}: the HTTP inference server
 * ({@link AlbertServer}). Prints one line on stderr once listening, then serves until SIGTERM or
 * SIGINT, which finish the requests in flight before the process exits with status 0.
 */
@Command(name = "serve", description = "Serves the model over HTTP in Hugging Face's Inference API format until "
        + "SIGTERM or Ctrl-C, which finish the requests in flight.")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    AlbertCommand root;

    @Mixin
    ModelOption model;

    @Option(names = "--host", paramLabel = "H", description = "address to listen on (default: " + ServerOptions.DEFAULT_HOST + ")")
    String host;

    @Option(names = "--port", paramLabel = "P", description = "port, 0 for any free one (default: " + ServerOptions.DEFAULT_PORT + ")")
    Integer port;

    @Option(names = "--threads", paramLabel = "N", description = "HTTP worker threads (default: twice the processors)")
    Integer threads;

    @Option(names = "--max-batch", paramLabel = "N", description = "inputs per forward pass (default: " + ServerOptions.DEFAULT_MAX_BATCH + ")")
    Integer maxBatch;

    @Option(names = "--max-wait-ms", paramLabel = "N", description = "how long a batch waits to fill (default: " + ServerOptions.DEFAULT_MAX_WAIT_MS + ")")
    Integer maxWaitMs;

    @Option(names = "--queue-size", paramLabel = "N", description = "requests waiting before 503 (default: " + ServerOptions.DEFAULT_QUEUE_SIZE + ")")
    Integer queueSize;

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "largest request body (default: " + ServerOptions.DEFAULT_MAX_BODY_BYTES + ")")
    Integer maxBodyBytes;

    @Option(names = "--max-inputs", paramLabel = "N", description = "inputs per request (default: " + ServerOptions.DEFAULT_MAX_INPUTS + ")")
    Integer maxInputs;

    @Option(names = "--max-request-tokens", paramLabel = "N", description = "tokens per request (default: " + ServerOptions.DEFAULT_MAX_REQUEST_TOKENS + ")")
    Integer maxRequestTokens;

    @Option(names = "--max-batch-tokens", paramLabel = "N", description = "tokens per forward pass (default: " + ServerOptions.DEFAULT_MAX_BATCH_TOKENS + ")")
    Integer maxBatchTokens;

    @Option(names = "--max-candidates", paramLabel = "N", description = "candidate labels/targets per request "
            + "(default: " + ServerOptions.DEFAULT_MAX_CANDIDATES + ")")
    Integer maxCandidates;

    @Option(names = "--max-output-floats", paramLabel = "N", description = "numbers per answer (default: " + ServerOptions.DEFAULT_MAX_OUTPUT_FLOATS + ")")
    Integer maxOutputFloats;

    @Option(names = "--max-connections", paramLabel = "N", description = "open connections (default: " + ServerOptions.DEFAULT_MAX_CONNECTIONS + ")")
    Integer maxConnections;

    @Option(names = "--idle-timeout-ms", paramLabel = "N", description = "idle connection time-out (default: " + ServerOptions.DEFAULT_IDLE_TIMEOUT_MS + ")")
    Integer idleTimeoutMs;

    @Option(names = "--request-timeout-ms", paramLabel = "N", description = "time to answer a request "
            + "(default: " + ServerOptions.DEFAULT_REQUEST_TIMEOUT_MS + ")")
    Integer requestTimeoutMs;

    @Option(names = "--shutdown-timeout-ms", paramLabel = "N", description = "time to finish requests on SIGTERM "
            + "(default: " + ServerOptions.DEFAULT_SHUTDOWN_TIMEOUT_MS + ")")
    Integer shutdownTimeoutMs;

    @Mixin
    TokenizerOption tokenizer;

    @Override
    public Integer call() throws InterruptedException {
        Console console = root.console();
        ServerOptions options = options(console);
        AlbertServer server = AlbertServer.start(options);
        stopGracefullyOnSignals(server);
        console.err().println("albert serve: " + server.task() + " model " + options.modelDir() + " listening on "
                + server.uri());
        console.err().flush();
        server.awaitStop();
        return 0;
    }

    /**
     * SIGTERM and SIGINT stop the server gracefully, after which {@code serve} returns 0: a drained
     * shutdown is a success, not the JVM's default death by signal (exit status 143 or 130). The JDK
     * has no public API for signals; {@code sun.misc.Signal} (module jdk.unsupported) is the one
     * servers use. Where the JVM keeps a signal to itself ({@code -Xrs}) the shutdown hook still drains,
     * and the exit status is the JVM's. The hook also covers the other ways the JVM ends (SIGHUP,
     * {@code System.exit}). A second signal during the drain changes nothing; SIGKILL ends at once.
     */
    static void stopGracefullyOnSignals(AlbertServer server) {
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "albert-serve-shutdown"));
        for (String name : List.of("TERM", "INT")) {
            onSignal(name, server::stop);
        }
    }

    /**
     * {@code sun.misc.Signal.handle(new Signal(name), signal -> action.run())}, reached by reflection:
     * naming the class in source makes javac and javadoc warn about internal API, and the Javadoc build
     * fails on warnings. Where the JVM keeps the signal ({@code -Xrs}) or the runtime has no
     * jdk.unsupported, nothing is installed and the shutdown hook drains instead.
     */
    private static void onSignal(String name, Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            InvocationHandler onHandle = (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return method.invoke(action, args); // equals, hashCode, toString
                }
                action.run();
                return null;
            };
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(),
                    new Class<?>[] {handlerClass}, onHandle);
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
        } catch (ReflectiveOperationException | LinkageError | IllegalArgumentException e) {
            // the JVM keeps this signal (-Xrs), or a runtime without jdk.unsupported: the hook drains instead
        }
    }

    /** The server options: the defaults of {@link ServerOptions}, overridden by the options given. */
    private ServerOptions options(Console console) {
        ServerOptions d = ServerOptions.defaults(LoadedModel.resolve(model.model, console));
        try {
            return d.withHost(host != null ? host : d.host())
                    .withPort(or(port, d.port()))
                    .withThreads(or(threads, d.threads()))
                    .withMaxBatch(or(maxBatch, d.maxBatch()))
                    .withMaxWaitMs(or(maxWaitMs, d.maxWaitMs()))
                    .withQueueSize(or(queueSize, d.queueSize()))
                    .withMaxBodyBytes(or(maxBodyBytes, (int) d.maxBodyBytes()))
                    .withMaxInputs(or(maxInputs, d.maxInputs()))
                    .withMaxRequestTokens(or(maxRequestTokens, d.maxRequestTokens()))
                    .withMaxBatchTokens(or(maxBatchTokens, d.maxBatchTokens()))
                    .withMaxCandidates(or(maxCandidates, d.maxCandidates()))
                    .withMaxOutputFloats(or(maxOutputFloats, (int) d.maxOutputFloats()))
                    .withMaxConnections(or(maxConnections, d.maxConnections()))
                    .withIdleTimeoutMs(or(idleTimeoutMs, d.idleTimeoutMs()))
                    .withRequestTimeoutMs(or(requestTimeoutMs, d.requestTimeoutMs()))
                    .withShutdownTimeoutMs(or(shutdownTimeoutMs, d.shutdownTimeoutMs()))
                    .withTokenizerMode(tokenizer.mode());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static int or(Integer given, int fallback) {
        return given != null ? given : fallback;
    }
}
