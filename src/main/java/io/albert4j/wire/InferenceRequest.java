package io.albert4j.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An inference request body in Hugging Face's Inference API shape: {@code {"inputs": ...,
 * "parameters": {...}}}. Parameters may also sit at the top level, as newer {@code huggingface_hub}
 * clients send them; {@code parameters} wins where both name one. {@code options} (the old API's
 * {@code wait_for_model} / {@code use_cache}) is accepted and ignored. A parameter whose value is
 * null counts as absent. Every accessor throws a {@link WireException} naming the bad field, what
 * it must be and what was found.
 *
 * <p>Immutable after parsing and thread-safe.
 */
public final class InferenceRequest {
    private static final Set<String> RESERVED = Set.of("inputs", "parameters", "options");
    private static final ObjectReader READER = JsonResults.JSON.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JsonNode body;
    private final Map<String, JsonNode> parameters = new LinkedHashMap<>();

    private InferenceRequest(JsonNode body, Set<String> inputFields) {
        this.body = body;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!RESERVED.contains(e.getKey()) && !inputFields.contains(e.getKey()) && !e.getValue().isNull()) {
                parameters.put(e.getKey(), e.getValue());
            }
        }
        JsonNode nested = body.get("parameters");
        if (nested != null && !nested.isNull()) {
            if (!nested.isObject()) {
                throw new WireException("\"parameters\" must be a JSON object, found " + describe(nested));
            }
            nested.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    parameters.put(e.getKey(), e.getValue());
                }
            });
        }
        JsonNode options = body.get("options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw new WireException("\"options\" must be a JSON object, found " + describe(options));
        }
    }

    /**
     * Parses a body.
     *
     * @param inputFields top-level fields that are inputs rather than parameters (question answering's
     *                    older {@code {"question": ..., "context": ...}} form)
     */
    public static InferenceRequest parse(byte[] body, Set<String> inputFields) {
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new WireException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new WireException("unreadable request body: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new WireException("empty request body; expected {\"inputs\": ...}");
        }
        if (!root.isObject()) {
            throw new WireException("the request body must be a JSON object such as {\"inputs\": ...}, found "
                    + describe(root));
        }
        return new InferenceRequest(root, inputFields);
    }

    /** A top-level field, or null when absent or null. */
    public JsonNode field(String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** {@code inputs}, required. */
    public JsonNode inputs() {
        JsonNode inputs = field("inputs");
        if (inputs == null) {
            throw new WireException("missing field \"inputs\"");
        }
        return inputs;
    }

    /** Fails when a parameter outside {@code accepted} is present. */
    public void requireKnownParameters(String task, Set<String> accepted) {
        for (String name : parameters.keySet()) {
            if (!accepted.contains(name)) {
                throw new WireException("unknown parameter \"" + name + "\" for " + task + "; accepted: "
                        + String.join(", ", new TreeSet<>(accepted)));
            }
        }
    }

    /** Whether the parameter is present (and not null). */
    public boolean has(String name) {
        return parameters.containsKey(name);
    }

    /** Whether the parameter is present as one string (rather than a list). */
    public boolean isString(String name) {
        JsonNode v = parameters.get(name);
        return v != null && v.isTextual();
    }

    /** An integer parameter of at least {@code min}, or {@code fallback} when absent. */
    public int integer(String name, int fallback, int min) {
        return integer(name, fallback, min, Integer.MAX_VALUE);
    }

    /** An integer parameter within [{@code min}, {@code max}], or {@code fallback} when absent. */
    public int integer(String name, int fallback, int min, int max) {
        JsonNode v = parameters.get(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new WireException("parameter \"" + name + "\" must be an integer, found " + describe(v));
        }
        if (v.intValue() < min) {
            throw new WireException("parameter \"" + name + "\" must be at least " + min + ", found " + v.intValue());
        }
        if (v.intValue() > max) {
            throw new WireException("parameter \"" + name + "\" must be at most " + max + ", found " + v.intValue());
        }
        return v.intValue();
    }

    /** A boolean parameter, or {@code fallback} when absent. */
    public boolean bool(String name, boolean fallback) {
        JsonNode v = parameters.get(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new WireException("parameter \"" + name + "\" must be true or false, found " + describe(v));
        }
        return v.booleanValue();
    }

    /** A string parameter, or {@code fallback}. */
    public String string(String name, String fallback) {
        JsonNode v = parameters.get(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new WireException("parameter \"" + name + "\" must be a string, found " + describe(v));
        }
        return v.textValue();
    }

    /** A string or list of strings, or null when absent. */
    public List<String> strings(String name) {
        JsonNode v = parameters.get(name);
        if (v == null) {
            return null;
        }
        if (v.isTextual()) {
            return List.of(v.textValue());
        }
        if (!v.isArray()) {
            throw new WireException("parameter \"" + name + "\" must be a string or a list of strings, found "
                    + describe(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw new WireException("parameter \"" + name + "\" must list strings, found " + describe(item));
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** Fails when the parameter is present: the server cannot honour it. */
    public void unsupported(String name, String why) {
        if (has(name)) {
            throw new WireException("parameter \"" + name + "\" is not supported: " + why);
        }
    }

    /** A JSON value's kind and an abbreviation of it, for messages. */
    public static String describe(JsonNode node) {
        String kind = node.isTextual() ? "a string" : node.isNumber() ? "a number" : node.isBoolean() ? "a boolean"
                : node.isArray() ? "a list" : node.isObject() ? "an object" : node.isNull() ? "null" : "a value";
        String text = node.toString();
        return kind + " " + (text.length() > 60 ? text.substring(0, 60) + "..." : text);
    }
}
