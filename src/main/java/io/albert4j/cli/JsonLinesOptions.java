package io.albert4j.cli;

import picocli.CommandLine.Option;

/** {@code --input FILE|-} and {@code --fail-fast} (a picocli mixin): the JSON Lines mode of a command. */
final class JsonLinesOptions {
    @Option(names = "--input", paramLabel = "FILE|-",
            description = "read JSON Lines from FILE (- for stdin) and write one JSON line per input line, "
                    + "in order, each as soon as it is computed; a bad line gets {\"error\": ..., \"line\": N} "
                    + "and the run goes on (exit code 2 at the end)")
    String input;

    @Option(names = "--fail-fast", description = "with --input: stop at the first bad line")
    boolean failFast;

    boolean active() {
        return input != null;
    }
}
