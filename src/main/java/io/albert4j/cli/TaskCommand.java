package io.albert4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.wire.JsonResults;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pipeline command: loads the model, then answers either its positional arguments (one JSON
 * document) or, with {@code --input FILE|-}, JSON Lines (one result line per input line, in
 * batches, with a progress count on stderr when stderr is a terminal).
 */
abstract class TaskCommand implements Command {
    private static final int LINES_PER_BATCH = 16;

    /** The task's own options that take a value. */
    abstract Set<String> taskOptions();

    /** Builds the task for a loaded model (fails here when the head does not fit). */
    abstract Task prepare(LoadedModel loaded, CliArgs args);

    /** A task bound to a model and the command's options. */
    interface Task {
        /** The answer to the positional arguments. */
        JsonNode single(CliArgs args);

        /** Answers to JSON Lines inputs, one per input, in order. */
        List<JsonNode> lines(List<JsonNode> inputs);
    }

    @Override
    public final Set<String> valueOptions() {
        Set<String> all = new HashSet<>(taskOptions());
        all.add("--model");
        all.add("--tokenizer");
        all.add("--input");
        return all;
    }

    @Override
    public final int run(CliArgs args, Console console) throws IOException {
        try (LoadedModel loaded = LoadedModel.load(args, console)) {
            Task task = prepare(loaded, args);
            String input = args.value("--input");
            if (input == null) {
                console.out().println(JsonResults.JSON.writeValueAsString(task.single(args)));
            } else {
                streamLines(task, input, console);
            }
            console.out().flush();
            return 0;
        }
    }

    private void streamLines(Task task, String input, Console console) throws IOException {
        boolean progress = stderrIsTerminal();
        try (BufferedReader reader = JsonLines.open(input, console)) {
            List<JsonNode> batch = new ArrayList<>();
            int lineNumber = 0;
            int done = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                batch.add(JsonLines.parse(line, lineNumber));
                if (batch.size() == LINES_PER_BATCH) {
                    done += flush(task, batch, console, progress, done);
                }
            }
            flush(task, batch, console, progress, done);
            if (progress) {
                console.err().println();
            }
        }
    }

    private static int flush(Task task, List<JsonNode> batch, Console console, boolean progress, int doneBefore)
            throws JsonProcessingException {
        if (batch.isEmpty()) {
            return 0;
        }
        for (JsonNode result : task.lines(batch)) {
            console.out().println(JsonResults.JSON.writeValueAsString(result));
        }
        console.out().flush();
        int n = batch.size();
        batch.clear();
        if (progress) {
            console.err().print("\r" + (doneBefore + n) + " lines done");
        }
        return n;
    }

    /** A string field of a JSON Lines input, or the line itself when it is a JSON string. */
    static String field(JsonNode line, String name) {
        if (line.isTextual() && name.equals("text")) {
            return line.textValue();
        }
        JsonNode value = line.get(name);
        if (value == null || !value.isTextual()) {
            throw new AlbertException("input line " + line + " needs a string field \"" + name + "\"");
        }
        return value.textValue();
    }

    /** An optional string field, or null. */
    static String optionalField(JsonNode line, String name) {
        JsonNode value = line.get(name);
        return value == null || value.isNull() ? null : value.asText();
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
