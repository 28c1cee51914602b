package io.albert4j;

/**
 * The one exception type this library throws for bad input: an unreadable or corrupt checkpoint,
 * an inconsistent config, text the tokenizer refuses, a task the loaded head cannot do.
 * The message always names what is wrong (file, key, expected versus found).
 *
 * <p>Immutable and thread-safe, like any exception that is not modified after it is thrown.
 */
public class AlbertException extends RuntimeException {
    public AlbertException(String message) {
        super(message);
    }

    public AlbertException(String message, Throwable cause) {
        super(message, cause);
    }
}
