package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.JsonAssert;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --input} JSON Lines: one output line per non-blank input line, in order; a bad line gets
 * {@code {"error": "... line N ...", "line": N}} in its place and the run goes on, ending with exit
 * code 2 and one line on stderr; {@code --fail-fast} stops at the first bad line; each answer is
 * written (and flushed) before the next input line has to exist.
 */
class JsonLinesTest {
    private static final String MASKED_LM = "albert-tiny-maskedlm";

    /** The golden fill-mask inputs (transformers 4.39, slow tokenizer) and their outputs. */
    private static JsonNode golden() {
        return Golden.model(MASKED_LM).get("pipelines").get("fill-mask");
    }

    private static String textLine(String text) {
        return Golden.JSON.createObjectNode().put("text", text).toString();
    }

    @Test
    void aBadLineGetsAnErrorLineNamingItsNumberAndTheRunGoesOn() {
        JsonNode golden = golden();
        int topK = golden.get(0).get("top_k").asInt();
        List<String> in = new ArrayList<>();
        in.add(textLine(golden.get(0).get("input").asText()));  // line 1
        in.add("{not json");                                       // line 2: not JSON
        in.add("");                                                // line 3: blank, skipped
        in.add(textLine("no mask here"));                          // line 4: the pipeline refuses it
        in.add(textLine(golden.get(1).get("input").asText()));  // line 5
        in.add("{\"txt\": \"a [MASK]\"}");                         // line 6: no "text"
        in.add(textLine(golden.get(2).get("input").asText()));  // line 7
        CliTest.Run r = CliTest.runWithInput(String.join("\n", in) + "\n", "fill-mask", "--model",
                Fixtures.modelDir(MASKED_LM).toString(), "--tokenizer", "slow", "--top-k", String.valueOf(topK),
                "--input", "-");

        assertEquals(2, r.exitCode(), "a failed line makes the run exit with 2 at the end; stderr: " + r.err());
        List<String> out = r.out().lines().toList();
        assertEquals(6, out.size(), r.out());
        assertError(out.get(1), 2, "not JSON");
        assertError(out.get(2), 4, "[MASK]");
        assertError(out.get(4), 6, "\"text\"");
        int[] goldenIndex = {0, -1, -1, 1, -1, 2};
        for (int i = 0; i < out.size(); i++) {
            if (goldenIndex[i] >= 0) {
                assertEquals(topK, golden.get(goldenIndex[i]).get("top_k").asInt(), "one top_k for every line");
                JsonAssert.assertMatches(golden.get(goldenIndex[i]).get("output"), Golden.parse(out.get(i)),
                        CliTest.TOLERANCE);
            }
        }
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("3 of 6 input lines failed") && r.err().contains("line 2"), r.err());
    }

    @Test
    void failFastStopsAtTheFirstBadLine() {
        String good = textLine("Paris is the [MASK] of France.");
        String in = good + "\n" + good + "\n" + textLine("no mask") + "\n" + good + "\n";
        CliTest.Run r = CliTest.runWithInput(in, "fill-mask", "--model", Fixtures.modelDir(MASKED_LM).toString(),
                "--fail-fast", "--input", "-");
        assertEquals(2, r.exitCode(), r.err());
        List<String> out = r.out().lines().toList();
        assertEquals(3, out.size(), "two answers, then the error line, then nothing: " + r.out());
        assertTrue(Golden.parse(out.get(0)).isArray() && Golden.parse(out.get(1)).isArray(), r.out());
        assertError(out.get(2), 3, "[MASK]");
        assertTrue(r.err().contains("stopped at input line 3 (--fail-fast)"), r.err());
    }

    @Test
    void withoutBadLinesTheExitCodeIsZeroAndStderrEmpty() {
        String in = textLine("Paris is the [MASK] of France.") + "\n\n" + "\"The [MASK] is red.\"\n";
        CliTest.Run r = CliTest.runWithInput(in, "fill-mask", "--model", Fixtures.modelDir(MASKED_LM).toString(),
                "--input", "-");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(2, r.out().lines().count(), "the blank line gives no output line: " + r.out());
        assertEquals("", r.err());
    }

    @Test
    void aLineTheTaskRefusesInsideABatchLeavesTheOtherAnswersAsOneByOne() {
        String dir = Fixtures.modelDir("albert-tiny-seqcls").toString();
        List<String> texts = List.of("Great service.", "Slow.", "Fine.", "Rude staff.");
        List<String> in = new ArrayList<>(texts.stream().map(JsonLinesTest::textLine).toList());
        in.add(2, "{\"text\": \"a lone \\ud800 surrogate\"}");
        CliTest.Run r = CliTest.runWithInput(String.join("\n", in) + "\n", "classify", "--model", dir,
                "--top-k", "all", "--input", "-");
        assertEquals(2, r.exitCode(), r.err());
        List<String> out = r.out().lines().toList();
        assertEquals(texts.size() + 1, out.size(), r.out());
        assertError(out.get(2), 3, "surrogate");
        List<String> answers = new ArrayList<>(out);
        answers.remove(2);
        for (int i = 0; i < texts.size(); i++) {
            JsonAssert.assertMatches(CliTest.run("classify", "--model", dir, "--top-k", "all", texts.get(i)).json(),
                    Golden.parse(answers.get(i)), CliTest.TOLERANCE);
        }
    }

    /**
     * A child process reading stdin: the answer to the first line arrives while the second line has
     * not been written yet, so answers are flushed as they are computed, not at the end or every N lines.
     */
    @Test
    void eachAnswerIsWrittenBeforeTheNextLineArrives() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "fill-mask", "--model",
                Fixtures.modelDir(MASKED_LM).toString(), "--top-k", "1", "--input", "-");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        Path stderr = Files.createTempFile("albert-jsonl", ".err");
        Process process = builder.redirectError(stderr.toFile()).start();
        try (OutputStream stdin = process.getOutputStream();
             BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(),
                     StandardCharsets.UTF_8))) {
            stdin.write((textLine("Paris is the [MASK] of France.") + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            String first = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(180, TimeUnit.SECONDS);
            assertTrue(first.contains("\"sequence\":\"paris is the"), first);
            assertTrue(process.isAlive(), "the run waits for more input");

            stdin.write("{\"text\": \"no mask\"}\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            String second = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(60, TimeUnit.SECONDS);
            assertError(second, 2, "[MASK]");
            assertTrue(process.isAlive(), "a bad line does not end the run");

            stdin.write((textLine("The [MASK] is red.") + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.close();
            String third = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(60, TimeUnit.SECONDS);
            assertTrue(third.contains("\"sequence\":\"the "), third);
            assertEquals(null, readLine(stdout));
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue(), Files.readString(stderr));
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertError(String line, int number, String mention) {
        JsonNode error = Golden.parse(line);
        assertEquals(number, error.path("line").asInt(-1), line);
        String message = error.path("error").asText("");
        assertTrue(message.matches("(?s).*\\bline " + number + "\\b.*"), "the message names the line: " + line);
        assertTrue(message.contains(mention), "error should mention " + mention + ": " + line);
        assertFalse(error.has("score"), line);
    }
}
