package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.JsonAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI on the transformers-5 checkpoints, run in-process on every v5 golden pipeline entry with
 * the entry's options as command-line options: its stdout parses to the golden output (the fast
 * tokenizer is the default, so no option selects it).
 */
class CliGoldenV5Test {
    static final double TOLERANCE = 1e-4;

    static Stream<Arguments> entries() {
        return Golden.v5PipelineEntries().stream();
    }

    @ParameterizedTest(name = "{0} {1} #{2}")
    @MethodSource("entries")
    void printsTheTransformers5PipelineOutput(String model, String task, int index) {
        JsonNode entry = Golden.v5(model).get("pipelines").get(task).get(index);
        CliTest.Run r = CliTest.run(args(Fixtures.v5ModelDir(model).toString(), task, entry));
        assertEquals(0, r.exitCode(), r.err());
        JsonAssert.assertMatches(entry.get("output"), r.json(), TOLERANCE);
    }

    @Test
    void zeroShotJsonLinesGiveOneResultPerLine() {
        String dir = Fixtures.v5ModelDir("albert-tiny-seqcls-nli").toString();
        List<JsonNode> golden = new ArrayList<>();
        StringBuilder in = new StringBuilder();
        for (JsonNode entry : Golden.v5("albert-tiny-seqcls-nli").get("pipelines").get("zero-shot-classification")) {
            JsonNode o = entry.get("options");
            if (o.get("candidate_labels").size() == 3 && !o.get("multi_label").asBoolean() && !o.has("hypothesis_template")) {
                golden.add(entry.get("output"));
                in.append(Golden.JSON.createObjectNode().put("text", entry.get("input").asText())).append('\n');
            }
        }
        assertTrue(golden.size() > 1, "several texts with the same options");
        CliTest.Run r = CliTest.runWithInput(in.toString(), "zero-shot-classification", "--model", dir,
                "--candidate-labels", labels(Golden.v5("albert-tiny-seqcls-nli").get("pipelines")
                        .get("zero-shot-classification").get(0)), "--input", "-");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(golden.size(), lines.length);
        for (int i = 0; i < lines.length; i++) {
            JsonAssert.assertMatches(golden.get(i), Golden.parse(lines[i]), TOLERANCE);
        }
    }

    @Test
    void zeroShotWithoutCandidateLabelsIsAnError() {
        CliTest.Run r = CliTest.run("zero-shot-classification", "--model",
                Fixtures.v5ModelDir("albert-tiny-seqcls-nli").toString(), "A text.");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--candidate-labels"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void zeroShotOnAModelWithoutAnEntailmentLabelIsAnError() {
        CliTest.Run r = CliTest.run("zero-shot-classification", "--model",
                Fixtures.v5ModelDir("albert-tiny-seqcls").toString(), "--candidate-labels", "a,b", "A text.");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("entailment"), r.err());
    }

    private static String labels(JsonNode array) {
        if (array.isObject()) {
            return labels(array.get("options").get("candidate_labels"));
        }
        List<String> out = new ArrayList<>();
        array.forEach(l -> out.add(l.asText()));
        return String.join(",", out);
    }

    /** The command line that asks the CLI what the golden entry asked the reference pipeline. */
    static String[] args(String dir, String task, JsonNode entry) {
        JsonNode input = entry.get("input");
        JsonNode o = entry.get("options");
        List<String> a = new ArrayList<>();
        switch (task) {
            case "fill-mask" -> {
                a.addAll(List.of("fill-mask", "--model", dir));
                if (o.has("top_k")) {
                    a.addAll(List.of("--top-k", o.get("top_k").asText()));
                }
                if (o.has("targets")) {
                    a.addAll(List.of("--targets", labels(o.get("targets"))));
                }
                a.add(input.asText());
            }
            case "text-classification", "text-classification-pairs" -> {
                a.addAll(List.of("classify", "--model", dir));
                if (o.has("top_k")) {
                    a.addAll(List.of("--top-k", o.get("top_k").isNull() ? "all" : o.get("top_k").asText()));
                }
                if (o.has("function_to_apply")) {
                    a.addAll(List.of("--function", o.get("function_to_apply").asText()));
                }
                if (input.isObject()) {
                    a.addAll(List.of("--pair", input.get("text_pair").asText(), input.get("text").asText()));
                } else {
                    a.add(input.asText());
                }
            }
            case "token-classification" -> {
                a.addAll(List.of("ner", "--model", dir, "--aggregation", o.get("aggregation_strategy").asText()));
                if (o.has("ignore_labels")) {
                    a.addAll(List.of("--ignore-labels", labels(o.get("ignore_labels"))));
                }
                a.add(input.asText());
            }
            case "question-answering" -> {
                a.addAll(List.of("qa", "--model", dir, "--question", input.get("question").asText(),
                        "--context", input.get("context").asText()));
                o.fields().forEachRemaining(option -> {
                    String name = "--" + option.getKey().replace('_', '-');
                    if (option.getValue().isBoolean()) {
                        if (option.getValue().asBoolean()) {
                            a.add(name);
                        }
                    } else {
                        a.addAll(List.of(name, option.getValue().asText()));
                    }
                });
            }
            case "feature-extraction" -> a.addAll(List.of("embed", "--model", dir, "--pooling", "none", input.asText()));
            case "zero-shot-classification" -> {
                a.addAll(List.of("zero-shot-classification", "--model", dir, "--candidate-labels",
                        labels(o.get("candidate_labels"))));
                if (o.path("multi_label").asBoolean()) {
                    a.add("--multi-label");
                }
                if (o.has("hypothesis_template")) {
                    a.addAll(List.of("--hypothesis-template", o.get("hypothesis_template").asText()));
                }
                a.add(input.asText());
            }
            default -> throw new IllegalArgumentException(task);
        }
        return a.toArray(String[]::new);
    }
}
