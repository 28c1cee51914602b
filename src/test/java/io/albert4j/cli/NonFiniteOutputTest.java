package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.pipeline.LabelScore;
import io.albert4j.wire.JsonResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NaN and Infinity are never written as JSON (Jackson's default would write the strings "NaN" and
 * "Infinity"): the CLI fails with exit code 2 and a message naming where the number was.
 */
class NonFiniteOutputTest {
    @TempDir
    Path tmp;

    @Test
    void writingANonFiniteNumberFailsNamingItsPlace() throws IOException {
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            JsonNode scores = JsonResults.labels(List.of(new LabelScore("A", 0.5f), new LabelScore("B", bad)));
            Exception e = assertThrows(Exception.class, () -> JsonResults.JSON.writeValueAsString(scores));
            JsonResults.NonFiniteNumberException cause = JsonResults.nonFinite(e);
            assertNotNull(cause, e.toString());
            assertTrue(cause.getMessage().contains("produced " + (double) bad + " at /1/score"), cause.getMessage());
        }
        assertTrue(JsonResults.JSON.writeValueAsString(JsonResults.vector(new float[]{1f, -0f})) != null);
    }

    @Test
    void cliRefusesToPrintNaNScores() throws IOException {
        Path model = nanClassifier();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"classify", "--model", model.toString(), "a plain sentence"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertTrue(message.contains("the model produced NaN at /0/score"), message);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("NaN"), out.toString(StandardCharsets.UTF_8));
    }

    /** albert-tiny-seqcls with its classifier bias set to NaN: every score becomes NaN. */
    Path nanClassifier() throws IOException {
        return withNaNBias(Fixtures.modelDir("albert-tiny-seqcls"), tmp.resolve("nan-model"));
    }

    /** Copies a fixture model, setting every float of {@code classifier.bias} to NaN. */
    public static Path withNaNBias(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName().toString()));
            }
        }
        Path weights = target.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) b.getLong(0);
        JsonNode header = JsonResults.JSON.readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        JsonNode bias = header.get("classifier.bias");
        assertEquals("F32", bias.get("dtype").asText());
        for (long at = bias.get("data_offsets").get(0).asLong(); at < bias.get("data_offsets").get(1).asLong(); at += 4) {
            b.putFloat((int) (8 + headerLength + at), Float.NaN);
        }
        Files.write(weights, bytes);
        return target;
    }
}
