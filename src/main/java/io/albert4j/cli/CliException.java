package io.albert4j.cli;

/** A command-line usage error: exit code 2, its message on stderr. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
