package io.albert4j.cli;

import io.albert4j.server.AlbertServer;
import io.albert4j.server.ServerOptions;
import sun.misc.Signal;

import java.util.List;
import java.util.Set;

/**
 * {@code serve [--model DIR|ID] [--host H] [--port P] [--threads N] [--max-batch N] [--max-wait-ms N]
 * [--queue-size N] [--max-body-bytes N] [--max-inputs N] [--max-request-tokens N] [--max-batch-tokens N]
 * [--max-candidates N] [--max-output-floats N] [--max-connections N] [--idle-timeout-ms N]
 * [--request-timeout-ms N] [--shutdown-timeout-ms N]}: the HTTP inference server
 * ({@link AlbertServer}). Prints one line on stderr once listening, then serves until SIGTERM or
 * SIGINT, which finish the requests in flight before the process exits with status 0.
 */
final class ServeCommand implements Command {
    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String usage() {
        return "[--model DIR|ID] [--host 127.0.0.1] [--port 8080] [--threads N] [--max-batch 32] [--max-wait-ms 5] "
                + "[--queue-size 256] [--max-body-bytes 1048576] [--max-inputs 32] [--max-request-tokens 32768] "
                + "[--max-batch-tokens 16384] [--max-candidates 10000] [--max-output-floats 4194304] "
                + "[--max-connections 1024] [--idle-timeout-ms 30000] [--request-timeout-ms 10000] "
                + "[--shutdown-timeout-ms 30000] [--tokenizer fast|slow]";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--model", "--host", "--port", "--threads", "--max-batch", "--max-wait-ms", "--queue-size",
                "--max-body-bytes", "--max-inputs", "--max-request-tokens", "--max-batch-tokens", "--max-candidates",
                "--max-output-floats", "--max-connections", "--idle-timeout-ms", "--request-timeout-ms",
                "--shutdown-timeout-ms", "--tokenizer");
    }

    @Override
    public int run(CliArgs args, Console console) throws InterruptedException {
        if (!args.positional().isEmpty()) {
            throw new CliException("serve: unexpected argument \"" + args.positional().get(0) + "\"");
        }
        ServerOptions options = options(args, console);
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
            try {
                Signal.handle(new Signal(name), signal -> server.stop());
            } catch (IllegalArgumentException | LinkageError e) {
                // the JVM keeps this signal (-Xrs), or a runtime without jdk.unsupported: the hook drains instead
            }
        }
    }

    private static ServerOptions options(CliArgs args, Console console) {
        ServerOptions d = ServerOptions.defaults(LoadedModel.resolve(args.value("--model"), console));
        try {
            return d.withHost(args.value("--host", d.host()))
                    .withPort(args.intValue("--port", d.port()))
                    .withThreads(args.intValue("--threads", d.threads()))
                    .withMaxBatch(args.intValue("--max-batch", d.maxBatch()))
                    .withMaxWaitMs(args.intValue("--max-wait-ms", d.maxWaitMs()))
                    .withQueueSize(args.intValue("--queue-size", d.queueSize()))
                    .withMaxBodyBytes(args.intValue("--max-body-bytes", (int) d.maxBodyBytes()))
                    .withMaxInputs(args.intValue("--max-inputs", d.maxInputs()))
                    .withMaxRequestTokens(args.intValue("--max-request-tokens", d.maxRequestTokens()))
                    .withMaxBatchTokens(args.intValue("--max-batch-tokens", d.maxBatchTokens()))
                    .withMaxCandidates(args.intValue("--max-candidates", d.maxCandidates()))
                    .withMaxOutputFloats(args.intValue("--max-output-floats", (int) d.maxOutputFloats()))
                    .withMaxConnections(args.intValue("--max-connections", d.maxConnections()))
                    .withIdleTimeoutMs(args.intValue("--idle-timeout-ms", d.idleTimeoutMs()))
                    .withRequestTimeoutMs(args.intValue("--request-timeout-ms", d.requestTimeoutMs()))
                    .withShutdownTimeoutMs(args.intValue("--shutdown-timeout-ms", d.shutdownTimeoutMs()))
                    .withTokenizerMode(LoadedModel.tokenizerMode(args));
        } catch (IllegalArgumentException e) {
            throw new CliException("serve: " + e.getMessage());
        }
    }
}
