package io.albert4j;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares an actual JSON result with a golden one: same structure, order, strings and integers;
 * floating-point numbers within a tolerance. The actual document may carry extra object fields
 * (e.g. NER offsets the reference's slow tokenizer could not give).
 */
public final class JsonAssert {
    private JsonAssert() {
    }

    public static void assertMatches(JsonNode expected, JsonNode actual, double tolerance) {
        compare(expected, actual, tolerance, "$");
    }

    private static void compare(JsonNode expected, JsonNode actual, double tolerance, String path) {
        if (expected.isArray()) {
            assertTrue(actual.isArray(), path + ": expected an array, found " + abbreviate(actual));
            assertEquals(expected.size(), actual.size(), path + ": array length");
            for (int i = 0; i < expected.size(); i++) {
                compare(expected.get(i), actual.get(i), tolerance, path + "[" + i + "]");
            }
        } else if (expected.isObject()) {
            assertTrue(actual.isObject(), path + ": expected an object, found " + abbreviate(actual));
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode value = actual.get(e.getKey());
                if (value == null) {
                    fail(path + ": missing field \"" + e.getKey() + "\" in " + abbreviate(actual));
                }
                compare(e.getValue(), value, tolerance, path + "." + e.getKey());
            }
        } else if (expected.isFloatingPointNumber()) {
            assertTrue(actual.isNumber(), path + ": expected a number, found " + actual);
            double d = Math.abs(expected.doubleValue() - actual.doubleValue());
            assertTrue(d <= tolerance, path + ": expected " + expected + ", found " + actual + " (|diff| " + d + ")");
        } else {
            assertEquals(expected, actual, path);
        }
    }

    private static String abbreviate(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
