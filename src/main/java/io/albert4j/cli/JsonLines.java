package io.albert4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.wire.JsonLinesInput;
import io.albert4j.wire.JsonResults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One {@code --input FILE|-} run: JSON Lines in, one JSON line out per non-blank input line, in
 * order. Lines are answered in batches of what has already arrived (at most {@value #MAX_BATCH}), so a
 * file runs batched while a slow producer on stdin gets each answer as soon as its line is in; every
 * batch is flushed as soon as it is written. A line that cannot be read or answered gets
 * {@code {"error": "...", "line": N}} in its place (the message names line N too) and the run goes on (or, with
 * {@code --fail-fast}, stops there); the exit code is then 2, and one line on stderr counts the
 * failures.
 *
 * @param <I> one input of the task
 */
final class JsonLines<I> {
    static final int MAX_BATCH = 16;

    private final String command;
    private final Reader<I> read;
    private final Function<List<I>, List<JsonNode>> answer;
    private final boolean failFast;
    private final Console console;
    private final boolean progress = stderrIsTerminal();
    private final List<Numbered<I>> batch = new ArrayList<>();
    private int written;
    private int failed;
    private int firstFailedLine;
    private String failFastMessage;

    /** Reads one line's JSON as an input; a line that does not fit throws an AlbertException naming it. */
    interface Reader<I> {
        I read(JsonNode line, int lineNumber);
    }

    /** An input and the number of the line it came from (1-based, blank lines counted). */
    private record Numbered<I>(int line, I input) {
    }

    JsonLines(String command, Reader<I> read, Function<List<I>, List<JsonNode>> answer, boolean failFast,
              Console console) {
        this.command = command;
        this.read = read;
        this.answer = answer;
        this.failFast = failFast;
        this.console = console;
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

    /** Answers every line of {@code reader}; returns the exit code (0, or 2 when a line failed). */
    int run(BufferedReader reader) throws IOException {
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null && failFastMessage == null; line = reader.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            I input;
            try {
                input = read.read(JsonLinesInput.parse(line, lineNumber), lineNumber);
            } catch (AlbertException | CliException | IllegalArgumentException e) {
                answerBatch();
                if (failFastMessage == null) {
                    fail(lineNumber, e.getMessage());
                }
                continue;
            }
            batch.add(new Numbered<>(lineNumber, input));
            if (batch.size() == MAX_BATCH || !reader.ready()) {
                answerBatch();
            }
        }
        answerBatch();
        return finish();
    }

    /** Answers the lines gathered so far: as one batch, or line by line when the batch fails. */
    private void answerBatch() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        List<String> results = batch.size() == 1 ? null : tryAnswer(batch.stream().map(Numbered::input).toList());
        if (results != null) {
            results.forEach(this::print);
        } else {
            for (Numbered<I> one : batch) {
                if (failFastMessage != null) {
                    break;
                }
                answerOne(one);
            }
        }
        batch.clear();
        console.out().flush();
    }

    /** The written answers to a batch, or null when one of its lines is refused (the caller then isolates it). */
    private List<String> tryAnswer(List<I> inputs) throws IOException {
        try {
            return write(answer.apply(inputs));
        } catch (AlbertException | CliException | IllegalArgumentException e) {
            return null;
        }
    }

    private void answerOne(Numbered<I> one) throws IOException {
        try {
            print(write(answer.apply(List.of(one.input()))).get(0));
        } catch (AlbertException | CliException | IllegalArgumentException e) {
            fail(one.line(), e.getMessage());
        }
    }

    /** Each answer as its JSON line; a NaN or infinite number refuses the line, as it refuses a single answer. */
    private static List<String> write(List<JsonNode> answers) throws JsonProcessingException {
        List<String> out = new ArrayList<>(answers.size());
        try {
            for (JsonNode a : answers) {
                out.add(JsonResults.JSON.writeValueAsString(a));
            }
        } catch (JsonProcessingException e) {
            AlbertException nonFinite = JsonResults.nonFinite(e);
            if (nonFinite != null) {
                throw nonFinite;
            }
            throw e;
        }
        return out;
    }

    private void fail(int line, String message) {
        failed++;
        if (firstFailedLine == 0) {
            firstFailedLine = line;
        }
        String named = message.matches("(?s).*\\bline " + line + "\\b.*") ? message : "line " + line + ": " + message;
        print(JsonResults.JSON.createObjectNode().put("error", named).put("line", line).toString());
        console.out().flush();
        if (failFast) {
            failFastMessage = "stopped at input line " + line + " (--fail-fast): " + message;
        }
    }

    private void print(String json) {
        console.out().println(json);
        written++;
        if (progress) {
            console.err().print("\r" + written + " lines done");
        }
    }

    private int finish() {
        console.out().flush();
        if (progress) {
            console.err().println();
        }
        if (failFastMessage != null) {
            console.err().println("albert " + command + ": " + failFastMessage);
            return Main.BAD_INPUT;
        }
        if (failed > 0) {
            console.err().println("albert " + command + ": " + failed + " of " + written
                    + " input lines failed (the first: line " + firstFailedLine + "); their output lines hold "
                    + "{\"error\": ..., \"line\": N}");
            return Main.BAD_INPUT;
        }
        return 0;
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
