package io.albert4j.server;

/** A request the server refuses: the HTTP status and the message sent as {@code {"error": ...}}. */
final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }
}
