package io.albert4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.albert4j.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The reference tokenizer cases ({@code fixtures/tokenizer/albert-base-v2-cases.json}), parsed once. */
final class GoldenCases {
    static final JsonNode ROOT = read();

    private GoldenCases() {
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Fixtures.tokenizerCases().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> list(String key) {
        List<JsonNode> out = new ArrayList<>();
        ROOT.get(key).forEach(out::add);
        return out;
    }

    /**
     * Real text available without {@code ../shared}: every golden text and pair, and the lines of
     * the fixtures README.
     */
    static List<String> texts() {
        List<String> out = new ArrayList<>();
        list("single").forEach(c -> out.add(c.get("text").textValue()));
        list("pairs").forEach(c -> out.add(c.get("text_pair").textValue()));
        try {
            out.addAll(Files.readAllLines(Fixtures.resource("README.md")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.textValue()));
        return out;
    }

    /** A short, printable label for a parameterized test. */
    static String label(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        StringBuilder out = new StringBuilder();
        shown.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
