package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.examples.EmbeddedServerExample;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static io.albert4j.server.ServerTestSupport.cliFor;
import static io.albert4j.server.ServerTestSupport.get;
import static io.albert4j.server.ServerTestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AlbertServer#start(AlbertModel, AlbertTokenizer, ServerOptions)}: serving a model the application loaded. */
class EmbeddedServerTest {
    private static final String BODY = "{\"inputs\": \"What a wonderful day.\"}";

    @Test
    void servesAModelLoadedByTheApplicationAndLeavesItOpen() {
        Path dir = Fixtures.modelDir("albert-tiny-seqcls");
        JsonNode expected = cliFor("albert-tiny-seqcls", "classify", "--top-k", "all", "What a wonderful day.");
        try (AlbertModel model = AlbertModel.load(dir);
             AlbertTokenizer tokenizer = AlbertTokenizer.load(dir, TokenizerMode.FAST)) {
            AlbertServer first = AlbertServer.start(model, tokenizer, ServerOptions.defaults().withPort(0));
            try {
                assertEquals("text-classification", first.task());
                assertEquals(expected, ok(first, BODY).get(0), "the answer the CLI gives, from the directory");
                JsonNode info = get(first, "/info").json();
                assertTrue(info.get("model_dir").isNull(), info.toString());
                assertEquals("AlbertForSequenceClassification", info.get("architecture").textValue());
            } finally {
                first.stop();
            }
            // the first server stopped without closing them: a second one serves the same model
            try (AlbertServer second = AlbertServer.start(model, tokenizer, ServerOptions.defaults(dir).withPort(0))) {
                assertEquals(expected, ok(second, BODY).get(0));
                assertEquals(dir.toAbsolutePath().normalize().toString(), get(second, "/info").json().get("model_dir").textValue(),
                        "a directory given with a loaded model is shown, not loaded");
            }
        }
    }

    /** Tests run one at a time (no parallel execution is configured), so System.out may be borrowed. */
    @Test
    void theReadmeExampleServesTheDemoModel() {
        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            EmbeddedServerExample.run();
        } finally {
            System.setOut(saved);
        }
        String line = printed.toString(StandardCharsets.UTF_8);
        assertTrue(line.matches("fill-mask on http://127\\.0\\.0\\.1:[1-9][0-9]*/\\R"), line);
    }

    @Test
    void theTokenizersModeReplacesTheOptions() {
        Path dir = Fixtures.modelDir("albert-tiny-seqcls");
        try (AlbertModel model = AlbertModel.load(dir);
             AlbertTokenizer slow = AlbertTokenizer.load(dir, TokenizerMode.SLOW);
             AlbertServer server = AlbertServer.start(model, slow, ServerOptions.defaults().withPort(0))) {
            assertEquals(TokenizerMode.SLOW, server.options().tokenizerMode());
        }
    }

    @Test
    void theDirectoryFormNeedsADirectory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlbertServer.start(ServerOptions.defaults().withPort(0)));
        assertTrue(e.getMessage().contains("no model directory"), e.getMessage());
        assertThrows(NullPointerException.class, () -> ServerOptions.defaults(null));
    }
}
