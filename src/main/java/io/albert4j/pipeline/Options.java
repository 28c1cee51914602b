package io.albert4j.pipeline;

import io.albert4j.AlbertException;

import java.util.ArrayList;
import java.util.List;

/**
 * The checks the options records share, so that a bound holds (and reads) the same from the Java
 * API, the CLI and the server. Messages name the option as Hugging Face does.
 */
final class Options {
    private Options() {
    }

    static void requireRange(String name, int value, int min, int max) {
        if (value < min) {
            throw new AlbertException(name + " must be at least " + min + ", found " + value);
        }
        if (value > max) {
            throw new AlbertException(name + " must be at most " + max + ", found " + value);
        }
    }

    /** An immutable copy of a list of strings; a null list is refused, as is a null item. */
    static List<String> strings(String name, List<String> values) {
        if (values == null) {
            throw new AlbertException(name + " must be a list (empty for none), found null");
        }
        List<String> out = new ArrayList<>(values.size());
        for (String value : values) {
            if (value == null) {
                throw new AlbertException(name + " must not hold null");
            }
            out.add(value);
        }
        return List.copyOf(out);
    }

    static <T> T required(String name, T value) {
        if (value == null) {
            throw new AlbertException(name + " must not be null");
        }
        return value;
    }
}
