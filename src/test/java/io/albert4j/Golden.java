package io.albert4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Reads the golden JSON files and compares nested arrays with ND4J arrays. */
public final class Golden {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {
    }

    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** (model, task, index) of every entry under "pipelines" in the tiny models' golden files. */
    public static List<org.junit.jupiter.params.provider.Arguments> pipelineEntries() {
        List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        for (String model : Fixtures.TINY_MODELS) {
            JsonNode pipelines = model(model).get("pipelines");
            pipelines.fieldNames().forEachRemaining(task -> {
                for (int i = 0; i < pipelines.get(task).size(); i++) {
                    out.add(org.junit.jupiter.params.provider.Arguments.of(model, task, i));
                }
            });
        }
        return out;
    }

    /** The v5 golden files that carry pipeline entries. */
    public static final List<String> V5_PIPELINE_MODELS = List.of("albert-tiny-maskedlm", "albert-tiny-seqcls",
            "albert-tiny-tokcls", "albert-tiny-qa", "albert-tiny-groups", "albert-tiny-pretraining",
            "albert-tiny-seqcls-nli");

    /** (model, task, index) of every entry under "pipelines" in the v5 golden files but the QA windows. */
    public static List<org.junit.jupiter.params.provider.Arguments> v5PipelineEntries() {
        List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        for (String model : V5_PIPELINE_MODELS) {
            JsonNode pipelines = v5(model).get("pipelines");
            pipelines.fieldNames().forEachRemaining(task -> {
                for (int i = 0; i < pipelines.get(task).size() && !task.equals("question-answering-windows"); i++) {
                    out.add(org.junit.jupiter.params.provider.Arguments.of(model, task, i));
                }
            });
        }
        return out;
    }

    /** The number of v5 pipeline entries: fill-mask 6, text-classification 18 + 4 pairs, token-classification 47,
     *  question-answering 15, feature-extraction 3 + 2, zero-shot-classification 36. */
    public static final int V5_PIPELINE_ENTRIES = 6 + 18 + 4 + 47 + 15 + 3 + 2 + 36;

    private static final java.util.Map<String, JsonNode> V5 = new java.util.concurrent.ConcurrentHashMap<>();

    /** A v5 golden file, parsed once. */
    public static JsonNode v5(String model) {
        return V5.computeIfAbsent(model, name -> read(Fixtures.v5Golden(name)));
    }

    public static JsonNode model(String name) {
        return read(Fixtures.golden(name));
    }

    public static int[][] ints2d(JsonNode node) {
        int[][] out = new int[node.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints(node.get(i));
        }
        return out;
    }

    public static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    /** The shape of a nested JSON array. */
    public static long[] shape(JsonNode node) {
        List<Long> dims = new ArrayList<>();
        for (JsonNode n = node; n.isArray(); n = n.get(0)) {
            dims.add((long) n.size());
            if (n.size() == 0) {
                break;
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** All numbers of a nested JSON array, row-major. */
    public static double[] flatten(JsonNode node) {
        List<Double> out = new ArrayList<>();
        collect(node, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(JsonNode node, List<Double> out) {
        if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        } else {
            out.add(node.asDouble());
        }
    }

    /** Same shape and every element within {@code tolerance} (absolute). */
    public static void assertClose(JsonNode expected, INDArray actual, double tolerance, String what) {
        assertArrayEquals(shape(expected), actual.shape(), what + ": shape");
        assertClose(flatten(expected), actual.dup('c').data().asDouble(), tolerance, what);
    }

    public static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, found " + actual.length);
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                worstAt = i;
            }
        }
        if (!(worst <= tolerance)) {
            fail(what + ": max abs difference " + worst + " > " + tolerance + " at flat index " + worstAt
                    + " (expected " + expected[worstAt] + ", found " + actual[worstAt] + "); first expected "
                    + Arrays.toString(Arrays.copyOf(expected, Math.min(4, expected.length))));
        }
    }
}
