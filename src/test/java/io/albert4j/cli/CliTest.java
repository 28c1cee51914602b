package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.JsonAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI run in-process on the golden pipeline inputs: its stdout parses to the golden outputs
 * (the transformers 4.39 goldens, so with {@code --tokenizer slow}; the v5 ones are {@link CliGoldenV5Test}'s).
 * Each error case exits with code 2, one line on stderr naming the problem, nothing on stdout (a bad
 * JSON Lines line gets an error line on stdout instead, in its place).
 */
class CliTest {
    static final double TOLERANCE = 1e-4;

    /** What a CLI run printed. */
    record Run(int exitCode, String out, String err) {
        JsonNode json() {
            return Golden.parse(out);
        }
    }

    static Run run(String... args) {
        return runWithInput("", args);
    }

    static Run runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> goldenEntries() {
        List<Arguments> out = Golden.pipelineEntries();
        assertEquals(33, out.size(), "golden pipeline entries");
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} #{2}")
    @MethodSource("goldenEntries")
    void printsTheGoldenPipelineOutput(String model, String task, int index) {
        JsonNode entry = Golden.model(model).get("pipelines").get(task).get(index);
        Run r = run(args(Fixtures.modelDir(model).toString(), task, entry));
        assertEquals(0, r.exitCode, r.err);
        JsonAssert.assertMatches(entry.get("output"), r.json(), TOLERANCE);
    }

    /**
     * The command line that asks the CLI what the golden entry asked the reference pipeline
     * (transformers 4.39 with its slow tokenizer, hence {@code --tokenizer slow}).
     */
    private static String[] args(String dir, String task, JsonNode entry) {
        JsonNode input = entry.get("input");
        List<String> a = new ArrayList<>();
        switch (task) {
            case "fill-mask" -> a.addAll(List.of("fill-mask", "--model", dir, "--top-k",
                    entry.get("top_k").asText(), input.asText()));
            case "text-classification" -> a.addAll(List.of("classify", "--model", dir, "--top-k", "all", input.asText()));
            case "text-classification-pairs" -> a.addAll(List.of("classify", "--model", dir, "--top-k", "all",
                    "--pair", input.get("text_pair").asText(), input.get("text").asText()));
            case "question-answering" -> {
                a.addAll(List.of("qa", "--model", dir, "--question", input.get("question").asText(),
                        "--context", input.get("context").asText()));
                entry.get("options").fields().forEachRemaining(o ->
                        a.addAll(List.of("--" + o.getKey().replace('_', '-'), o.getValue().asText())));
            }
            case "token-classification" -> a.addAll(List.of("ner", "--model", dir, "--ignore-labels", "", input.asText()));
            case "feature-extraction" -> a.addAll(List.of("embed", "--model", dir, "--pooling", "none", input.asText()));
            default -> throw new IllegalArgumentException(task);
        }
        a.addAll(1, List.of("--tokenizer", "slow"));
        return a.toArray(String[]::new);
    }

    @Test
    void versionIsThePomVersion() throws IOException {
        java.util.regex.Matcher pom = java.util.regex.Pattern
                .compile("<artifactId>albert4j</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(pom.find(), "pom.xml names its version");
        Run r = run("--version");
        assertEquals(0, r.exitCode, r.err);
        assertEquals("albert4j " + pom.group(1), r.out.strip());
    }

    @Test
    void tokenizeCountsOffsetsInCodePointsAsHuggingFace() {
        // ids and offset_mapping printed by tokenizers 0.23.2 on the v5 tokenizer.json
        Run r = run("tokenize", "--model", Fixtures.v5ModelDir("albert-tiny-qa").toString(), "I love \uD83C\uDF55 and \u2615!");
        assertEquals(0, r.exitCode, r.err);
        assertEquals("[2,31,339,13,1,17,13,1,187,3]", r.json().get("input_ids").toString());
        assertEquals("[[0,0],[0,1],[2,6],[7,8],[7,8],[9,12],[13,14],[13,14],[14,15],[0,0]]",
                r.json().get("offsets").toString());
    }

    @Test
    void tokenizerOptionIsFastOrSlow() {
        Run r = run("classify", "--model", Fixtures.modelDir("albert-tiny-seqcls").toString(), "--tokenizer", "quick",
                "Hello");
        assertEquals(2, r.exitCode);
        assertTrue(r.err.contains("--tokenizer must be fast or slow, found \"quick\""), r.err);
        assertEquals("", r.out);
    }

    @Test
    void jsonLinesGiveOneResultLinePerInputLine() {
        String dir = Fixtures.modelDir("albert-tiny-seqcls").toString();
        JsonNode golden = Golden.model("albert-tiny-seqcls").get("pipelines").get("text-classification");
        StringBuilder in = new StringBuilder();
        for (JsonNode entry : golden) {
            in.append(Golden.JSON.createObjectNode().put("text", entry.get("input").asText())).append('\n');
        }
        Run r = runWithInput(in.toString(), "classify", "--model", dir, "--tokenizer", "slow", "--top-k", "all",
                "--input", "-");
        assertEquals(0, r.exitCode, r.err);
        String[] lines = r.out.strip().split("\n");
        assertEquals(golden.size(), lines.length);
        for (int i = 0; i < lines.length; i++) {
            JsonAssert.assertMatches(golden.get(i).get("output"), Golden.parse(lines[i]), TOLERANCE);
        }
    }

    @Test
    void jsonLinesFromAFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        String dir = Fixtures.modelDir("albert-tiny-maskedlm").toString();
        JsonNode golden = Golden.model("albert-tiny-maskedlm").get("pipelines").get("fill-mask");
        Path file = tmp.resolve("in.jsonl");
        List<String> lines = new ArrayList<>();
        golden.forEach(e -> lines.add(Golden.JSON.createObjectNode().put("text", e.get("input").asText()).toString()));
        Files.write(file, lines);
        Run r = run("fill-mask", "--model", dir, "--tokenizer", "slow", "--input", file.toString());
        assertEquals(0, r.exitCode, r.err);
        String[] out = r.out.strip().split("\n");
        assertEquals(golden.size(), out.length);
        for (int i = 0; i < out.length; i++) {
            JsonAssert.assertMatches(golden.get(i).get("output"), Golden.parse(out[i]), TOLERANCE);
        }
    }

    @Test
    void forwardPrintsEveryOutputOfThePreTrainingClass() {
        JsonNode golden = Golden.model("albert-tiny-pretraining").get("cases").get(0);
        Run r = run("forward", "--model", Fixtures.modelDir("albert-tiny-pretraining").toString(), "--tokenizer", "slow",
                golden.get("inputs").get("text").asText());
        assertEquals(0, r.exitCode, r.err);
        JsonNode out = r.json();
        assertEquals(golden.get("inputs").get("input_ids"), out.get("input_ids"));
        assertEquals(golden.get("inputs").get("token_type_ids"), out.get("token_type_ids"));
        JsonAssert.assertMatches(golden.get("sop_logits"), out.get("sop_logits"), TOLERANCE);
        for (String name : List.of("last_hidden_state", "pooler_output", "prediction_logits")) {
            assertTrue(out.has(name), name);
        }
        JsonAssert.assertMatches(golden.get("hidden_states_first_last").get(1), out.get("last_hidden_state"), TOLERANCE);
    }

    @Test
    void forwardTakesInputIds() {
        JsonNode golden = Golden.model("albert-tiny-qa").get("cases").get(0);
        String ids = golden.get("inputs").get("input_ids").get(0).toString().replaceAll("[\\[\\] ]", "");
        Run r = run("forward", "--model", Fixtures.modelDir("albert-tiny-qa").toString(), "--input-ids", ids);
        assertEquals(0, r.exitCode, r.err);
        JsonAssert.assertMatches(golden.get("start_logits"), r.json().get("start_logits"), TOLERANCE);
        JsonAssert.assertMatches(golden.get("end_logits"), r.json().get("end_logits"), TOLERANCE);
    }

    @Test
    void tokenizeChoosesTheTokenizer() {
        String dir = Fixtures.tokenizerDir().toString();
        Run fast = run("tokenize", "--model", dir, "He said \" (hello)");
        Run slow = run("tokenize", "--model", dir, "--tokenizer", "slow", "He said \" (hello)");
        assertEquals(0, fast.exitCode, fast.err);
        assertEquals(0, slow.exitCode, slow.err);
        assertEquals("[2,24,87,7,5,10975,6,3]", fast.json().get("input_ids").toString());
        assertEquals("[2,24,87,13,7,13,5,11515,6,3]", slow.json().get("input_ids").toString());
        assertError(run("tokenize", "--model", dir, "--tokenizer", "medium", "x"), "--tokenizer");
    }

    @Test
    void tokenizePrintsIdsAndOffsets() {
        Run r = run("tokenize", "--model", Fixtures.tokenizerDir().toString(), "Hello, my dog is cute");
        assertEquals(0, r.exitCode, r.err);
        JsonNode out = r.json();
        assertEquals("[2,10975,15,51,1952,25,10901,3]", out.get("input_ids").toString());
        assertEquals("[[0,0],[0,5],[5,6],[7,9],[10,13],[14,16],[17,21],[0,0]]", out.get("offsets").toString());
    }

    @Test
    void tokenizeJsonLinesAnswerEveryGoldenCaseInOrderWithAnErrorLineForEachRefusal() throws IOException {
        JsonNode cases = Golden.parse(Files.readString(Fixtures.tokenizerCases()));
        List<JsonNode> all = new ArrayList<>();
        cases.get("single").forEach(c -> {
            if (!c.path("keep_accents").asBoolean(false)) {
                all.add(c);
            }
        });
        cases.get("pairs").forEach(all::add);
        cases.get("truncation").forEach(all::add);
        StringBuilder input = new StringBuilder();
        for (JsonNode c : all) {
            var line = Golden.JSON.createObjectNode().put("text", c.get("text").asText());
            if (c.has("text_pair")) {
                line.put("text_pair", c.get("text_pair").asText());
            }
            if (c.has("max_length")) {
                line.put("max_length", c.get("max_length").asInt()).put("truncation", c.get("truncation").asText());
            }
            input.append(line).append('\n');
        }
        Run r = runWithInput(input.toString(), "tokenize", "--model", Fixtures.tokenizerDir().toString(),
                "--tokenizer", "slow", "--input", "-");
        List<String> lines = r.out().lines().toList();
        assertEquals(all.size(), lines.size(), r.err());
        int refused = 0;
        for (int i = 0; i < all.size(); i++) {
            JsonNode out = Golden.parse(lines.get(i));
            if (all.get(i).path("reference_refused").asBoolean(false)) {
                refused++;
                assertTrue(out.get("error").asText().startsWith("line " + (i + 1) + ": "), lines.get(i));
            } else {
                assertEquals(all.get(i).get("input_ids"), out.get("input_ids"), "line " + (i + 1));
                if (all.get(i).has("token_type_ids")) {
                    assertEquals(all.get(i).get("token_type_ids"), out.get("token_type_ids"), "line " + (i + 1));
                }
            }
        }
        assertEquals(6, refused);
        assertEquals(2, r.exitCode(), "a failed line makes the run exit with 2 at the end");
    }

    @Test
    void fillMaskTargetsMayBeRepeatedOrAJsonListSoThatATargetCanHoldAComma() {
        String dir = Fixtures.modelDir("albert-tiny-maskedlm").toString();
        String text = "Paris is the [MASK] of France.";
        Run commas = run("fill-mask", "--model", dir, "--targets", "capital,city", text);
        Run repeated = run("fill-mask", "--model", dir, "--target", "capital", "--target", "city", text);
        Run json = run("fill-mask", "--model", dir, "--targets", "[\"capital\", \"city\"]", text);
        assertEquals(0, commas.exitCode(), commas.err());
        assertEquals(2, commas.json().size());
        assertEquals(commas.json(), repeated.json());
        assertEquals(commas.json(), json.json());

        Run withComma = run("fill-mask", "--model", dir, "--target", "1,", text);
        Run jsonComma = run("fill-mask", "--model", dir, "--targets", "[\"1,\"]", text);
        assertEquals(0, withComma.exitCode(), withComma.err());
        assertEquals(1, withComma.json().size(), "\"1,\" is one target");
        assertEquals(withComma.json(), jsonComma.json());
    }

    @Test
    void fillMaskTargetsThatLookLikeJsonButAreNotIsAnError() {
        assertError(run("fill-mask", "--model", Fixtures.modelDir("albert-tiny-maskedlm").toString(),
                "--targets", "[capital", "Paris is the [MASK]."), "--target");
    }

    @Test
    void fillMaskOnAQuestionAnsweringCheckpointIsAnError() {
        assertError(run("fill-mask", "--model", Fixtures.modelDir("albert-tiny-qa").toString(), "a [MASK] b"),
                "AlbertForMaskedLM");
    }

    @Test
    void fillMaskWithoutMaskIsAnError() {
        assertError(run("fill-mask", "--model", Fixtures.modelDir("albert-tiny-maskedlm").toString(), "no mask here"),
                "[MASK]");
    }

    @Test
    void emptyQuestionIsAnError() {
        assertError(run("qa", "--model", Fixtures.modelDir("albert-tiny-qa").toString(), "--question", "",
                "--context", "Some context."), "question cannot be empty");
    }

    @Test
    void unreadableModelDirectoryIsAnError() {
        assertError(run("classify", "--model", "/nonexistent/model", "text"), "/nonexistent/model");
    }

    @Test
    void directoryWithoutConfigIsAnError(@org.junit.jupiter.api.io.TempDir Path tmp) {
        assertError(run("classify", "--model", tmp.toString(), "text"), "config.json");
    }

    @Test
    void unknownOptionIsAnError() {
        assertError(run("classify", "--model", Fixtures.modelDir("albert-tiny-seqcls").toString(), "--colour", "x", "t"),
                "--colour");
    }

    @Test
    void unknownCommandIsAnError() {
        assertError(run("translate", "x"), "translate");
    }

    /** A bad JSON Lines line gets an error line in its place (JsonLinesTest has the rest of the rules). */
    @Test
    void badJsonLineIsAnError() {
        Run r = runWithInput("{not json\n", "classify", "--model",
                Fixtures.modelDir("albert-tiny-seqcls").toString(), "--input", "-");
        assertEquals(2, r.exitCode, r.err);
        assertEquals(1, r.json().get("line").asInt(), r.out);
        assertTrue(r.json().get("error").asText().contains("line 1 is not JSON"), r.out);
        assertEquals(1, r.err.strip().split("\n").length, "one line on stderr: " + r.err);
        assertTrue(r.err.contains("line 1"), r.err);
    }

    private static void assertError(Run r, String mention) {
        assertEquals(2, r.exitCode, "exit code; stderr: " + r.err);
        assertEquals("", r.out, "stdout must be empty on error");
        String[] lines = r.err.strip().split("\n");
        assertEquals(1, lines.length, "one line on stderr: " + r.err);
        assertTrue(lines[0].contains(mention), "stderr should mention \"" + mention + "\": " + r.err);
    }
}
