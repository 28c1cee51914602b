package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded demo model (models/albert-demo): the CLI uses it without --model, the Java library
 * reproduces the held-out accuracies its model card states, on the fixed held-out sample, within
 * 0.5 points, and the fill-mask answers (top-5 tokens, in order) the card shows for the README's prompts.
 */
class DemoModelTest {
    private static final Path DEMO = Path.of(LoadedModel.DEFAULT_MODEL);
    private static final double POINTS = 0.5;

    @Test
    void reproducesTheModelCardAccuracies() throws IOException {
        String card = Files.readString(DEMO.resolve("README.md"));
        CliTest.Run r = CliTest.run("evaluate", "--sample", Fixtures.demoHeldOutSample().toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode measured = r.json();
        assertTrue(measured.get("masked_tokens").asInt() > 1000, "masked tokens evaluated");
        assertEquals(200, measured.get("sop_pairs").asInt());
        assertEquals(percent(card, "masked-LM top-1"), 100 * measured.get("mlm_top1").asDouble(), POINTS, "top-1");
        assertEquals(percent(card, "masked-LM top-5"), 100 * measured.get("mlm_top5").asDouble(), POINTS, "top-5");
        assertEquals(percent(card, "sentence-order accuracy"), 100 * measured.get("sop_accuracy").asDouble(), POINTS,
                "SOP");
    }

    @Test
    void fillMaskRunsOnTheDefaultModel() {
        CliTest.Run r = CliTest.run("fill-mask", "Paris is the [MASK] of France.");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode candidates = r.json();
        assertEquals(5, candidates.size());
        for (JsonNode c : candidates) {
            assertTrue(c.get("sequence").asText().startsWith("paris is the"), c.toString());
            assertTrue(c.get("score").asDouble() > 0 && c.get("score").asDouble() < 1, c.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Paris is the [MASK] of France.", "The capital of France is [MASK]."})
    void answersTheReadmePromptsAsTheCardShows(String prompt) throws IOException {
        CliTest.Run r = CliTest.run("fill-mask", prompt);
        assertEquals(0, r.exitCode(), r.err());
        List<String> measured = new ArrayList<>();
        for (JsonNode c : r.json()) {
            measured.add(c.get("token_str").asText());
        }
        assertEquals(cardTopFive(Files.readString(DEMO.resolve("README.md")), prompt), measured, prompt);
    }

    /** A value from the card's Java-measured table row {@code | name | 12.3 % |}. */
    private static double percent(String card, String name) {
        Matcher m = Pattern.compile("\\|\\s*" + Pattern.quote(name) + "\\s*\\|\\s*([0-9.]+)\\s*%").matcher(card);
        assertTrue(m.find(), "the model card has no row \"" + name + "\"");
        return Double.parseDouble(m.group(1));
    }

    /** The tokens of the card's fill-mask row {@code | `prompt` | `tok` 0.123, `tok` 0.045, ... |}, in order. */
    private static List<String> cardTopFive(String card, String prompt) {
        Matcher row = Pattern.compile("\\|\\s*`" + Pattern.quote(prompt) + "`\\s*\\|([^\\n]*)\\|").matcher(card);
        assertTrue(row.find(), "the model card has no fill-mask row for \"" + prompt + "\"");
        List<String> tokens = new ArrayList<>();
        Matcher tok = Pattern.compile("`([^`]+)`").matcher(row.group(1));
        while (tok.find()) {
            tokens.add(tok.group(1));
        }
        return tokens;
    }
}
