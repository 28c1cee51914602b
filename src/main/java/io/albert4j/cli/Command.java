package io.albert4j.cli;

import java.util.Set;

/** One subcommand of {@code albert.jar}. */
interface Command {
    String name();

    /** One line: arguments and options. */
    String usage();

    /** Options that take a value. */
    Set<String> valueOptions();

    /** Options without a value. */
    default Set<String> flags() {
        return Set.of();
    }

    /** Runs the command; returns the exit code. Usage errors throw {@link CliException}. */
    int run(CliArgs args, Console console) throws Exception;
}
