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

    /** Longest name {@link #quote} shows before shortening it. */
    private static final int MAX_QUOTED_CHARS = 200;

    /**
     * A name taken from a file or a request (a tensor key, a JSON field, a label), quoted for an error
     * message so that it cannot forge or split a log line: quotes, backslashes, control characters,
     * line and paragraph separators and lone surrogates are escaped as Java-style backslash-u escapes, and a name longer
     * than 200 characters is shortened with its length stated.
     */
    public static String quote(String name) {
        if (name == null) {
            return "null";
        }
        int shown = Math.min(name.length(), MAX_QUOTED_CHARS);
        if (shown < name.length() && Character.isHighSurrogate(name.charAt(shown - 1))) {
            shown--; // never cut a surrogate pair in half
        }
        StringBuilder sb = new StringBuilder(shown + 2).append('\'');
        for (int i = 0; i < shown; i++) {
            char c = name.charAt(i);
            boolean pairedSurrogate = Character.isHighSurrogate(c)
                    ? i + 1 < shown && Character.isLowSurrogate(name.charAt(i + 1))
                    : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(name.charAt(i - 1));
            if (c == '\'' || c == '\\' || Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    || (Character.isSurrogate(c) && !pairedSurrogate)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('\'');
        if (name.length() > shown) {
            sb.append("... (").append(name.length()).append(" characters)");
        }
        return sb.toString();
    }
}
