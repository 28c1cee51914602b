package io.albert4j.wire;

import io.albert4j.AlbertException;

/**
 * A JSON document that is not what Hugging Face's Inference API (or a JSON Lines input) takes: the
 * message names the field, what it must be and what was found. The server answers it with 400.
 *
 * <p>Immutable and thread-safe.
 */
public final class WireException extends AlbertException {
    public WireException(String message) {
        super(message);
    }
}
