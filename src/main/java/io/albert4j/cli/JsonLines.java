package io.albert4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.wire.JsonResults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading {@code --input FILE|-} JSON Lines: the reader and one parsed line, errors naming the line. */
final class JsonLines {
    private JsonLines() {
    }

    /** The lines of {@code input}, or of stdin for {@code "-"}. */
    static BufferedReader open(String input, Console console) throws IOException {
        if (input.equals("-")) {
            return console.reader();
        }
        Path file = Path.of(input);
        if (Files.isDirectory(file)) {
            throw new AlbertException("input file " + file + " is a directory");
        }
        try {
            return new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new AlbertException("input file not found: " + input);
        }
    }

    /** One line as JSON. */
    static JsonNode parse(String line, int lineNumber) {
        try {
            return JsonResults.JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new AlbertException("input line " + lineNumber + " is not JSON: " + e.getOriginalMessage());
        }
    }
}
