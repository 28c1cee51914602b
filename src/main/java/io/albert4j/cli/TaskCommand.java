package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.pipeline.Pipeline;
import io.albert4j.wire.JsonResults;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A pipeline command: its options become the task's options record (checked before the model
 * loads), the model's {@link Pipeline} answers either the command-line arguments (one JSON
 * document) or, with {@code --input FILE|-}, JSON Lines ({@link JsonLines}: one result line per
 * input line, in order, each flushed as soon as it is computed). Lines are read and results written
 * by {@link io.albert4j.wire}, as the server reads and writes them.
 *
 * @param <I> one input of the task
 * @param <O> the pipeline's result for one input
 */
abstract class TaskCommand<I, O> implements Callable<Integer> {
    @ParentCommand
    AlbertCommand root;

    @Mixin
    ModelOption model;

    @Mixin
    TokenizerOption tokenizer;

    @Mixin
    JsonLinesOptions jsonLines;

    /** The command's name, as the summary line on stderr names it. */
    abstract String name();

    /**
     * Checks the options, building the task's options record (whose constructor checks the bounds),
     * before any model loads. {@code jsonLines} says whether inputs come from {@code --input}.
     */
    abstract void validate(boolean jsonLines);

    /** The task's pipeline on the loaded model, with the options; fails when the head cannot do the task. */
    abstract Pipeline<I, O> pipeline(LoadedModel loaded);

    /** The inputs the command-line arguments give (one, except for embed's several texts). */
    abstract List<I> argumentInputs();

    /** One JSON Lines line as an input (through {@link io.albert4j.wire.JsonLinesInput}). */
    abstract I lineInput(JsonNode line, int lineNumber);

    /** A result as Hugging Face's JSON (through {@link JsonResults}). */
    abstract JsonNode json(I input, O result);

    /** The document printed for the command-line inputs: the one result. */
    JsonNode document(List<JsonNode> results) {
        return results.get(0);
    }

    @Override
    public final Integer call() throws IOException {
        validate(jsonLines.active());
        Console console = root.console();
        try (LoadedModel loaded = LoadedModel.load(model, tokenizer, console)) {
            Pipeline<I, O> pipeline = pipeline(loaded);
            if (!jsonLines.active()) {
                JsonNode document = document(answer(pipeline, argumentInputs()));
                console.out().println(JsonResults.JSON.writeValueAsString(document));
                return 0;
            }
            try (BufferedReader reader = JsonLines.open(jsonLines.input, console)) {
                return new JsonLines<>(name(), this::lineInput, inputs -> answer(pipeline, inputs), jsonLines.failFast,
                        console).run(reader);
            }
        }
    }

    /** The results for inputs, in one batched pipeline call, as JSON. */
    private List<JsonNode> answer(Pipeline<I, O> pipeline, List<I> inputs) {
        List<O> results = pipeline.run(inputs);
        List<JsonNode> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            out.add(json(inputs.get(i), results.get(i)));
        }
        return out;
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
}
