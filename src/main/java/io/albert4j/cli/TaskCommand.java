package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A pipeline command: loads the model, then answers either its command-line arguments (one JSON
 * document) or, with {@code --input FILE|-}, JSON Lines ({@link JsonLines}: one result line per
 * input line, in order, each flushed as soon as it is computed).
 *
 * @param <I> one input of the task, as read from a JSON Lines line
 */
abstract class TaskCommand<I> implements Callable<Integer> {
    @ParentCommand
    AlbertCommand root;

    @Mixin
    ModelOption model;

    @Mixin
    TokenizerOption tokenizer;

    @Mixin
    JsonLinesOptions jsonLines;

    /** The command's name, as errors and the progress line name it. */
    abstract String name();

    /**
     * Checks the options that need no model, before the model loads; throws {@link CliException}.
     * {@code jsonLines} says whether the inputs come from {@code --input} rather than the arguments.
     */
    abstract void validate(boolean jsonLines);

    /** Binds the task to a loaded model (fails here when the model's head cannot do the task). */
    abstract Task<I> prepare(LoadedModel loaded);

    /** A task bound to a model and the command's options. */
    interface Task<I> {
        /** The answer to the command-line arguments. */
        JsonNode single();

        /** One JSON Lines line as an input; a line that does not fit throws {@link AlbertException}. */
        I input(JsonNode line);

        /** Answers to inputs, one per input, in order (batched where the pipeline has a batched form). */
        List<JsonNode> answer(List<I> inputs);
    }

    @Override
    public final Integer call() throws IOException {
        validate(jsonLines.active());
        Console console = root.console();
        try (LoadedModel loaded = LoadedModel.load(model, tokenizer, console)) {
            Task<I> task = prepare(loaded);
            if (!jsonLines.active()) {
                console.out().println(JsonResults.JSON.writeValueAsString(task.single()));
                return 0;
            }
            try (BufferedReader reader = JsonLines.open(jsonLines.input, console)) {
                return new JsonLines<>(name(), task::input, task::answer, jsonLines.failFast, console).run(reader);
            }
        }
    }

    /** Refuses TEXT arguments next to --input, and requires them without it. */
    static void requireTextOrInput(String command, boolean jsonLines, boolean hasText) {
        if (jsonLines && hasText) {
            throw new CliException("give either TEXT or --input, not both");
        }
        if (!jsonLines && !hasText) {
            throw new CliException("expected a TEXT argument (or --input FILE|- for JSON Lines); see albert "
                    + command + " --help");
        }
    }

    /** A string field of a JSON Lines input, or the line itself when it is a JSON string. */
    static String field(JsonNode line, String name) {
        if (line.isTextual() && name.equals("text")) {
            return line.textValue();
        }
        JsonNode value = line.get(name);
        if (value == null || !value.isTextual()) {
            throw new AlbertException("the line needs a string field \"" + name + "\""
                    + (value == null ? "" : ", found " + value));
        }
        return value.textValue();
    }

    /** An optional string field, or null. */
    static String optionalField(JsonNode line, String name) {
        JsonNode value = line.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }
}
