package io.albert4j.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.pipeline.MultipleChoiceInput;
import io.albert4j.pipeline.QuestionContext;
import io.albert4j.pipeline.TextPair;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of a JSON Lines input file read as a pipeline input: a JSON string is a text; an object
 * holds Hugging Face's field names ({@code text}, {@code text_pair}, {@code question},
 * {@code context}) or albert4j's for multiple choice ({@code prompt}, {@code choices}). Errors
 * name the line number and the field.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonLinesInput {
    private JsonLinesInput() {
    }

    /** The line as JSON. */
    public static JsonNode parse(String line, int lineNumber) {
        try {
            return JsonResults.JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new WireException("input line " + lineNumber + " is not JSON: " + e.getOriginalMessage());
        }
    }

    /** A text: the line itself when it is a JSON string, else its {@code text} field. */
    public static String text(JsonNode line, int lineNumber) {
        return line.isTextual() ? line.textValue() : field(line, "text", lineNumber);
    }

    /** A text and its optional {@code text_pair}. */
    public static TextPair textPair(JsonNode line, int lineNumber) {
        String text = text(line, lineNumber);
        JsonNode pair = line.isObject() ? line.get("text_pair") : null;
        if (pair == null || pair.isNull()) {
            return TextPair.of(text);
        }
        if (!pair.isTextual()) {
            throw new WireException("input line " + lineNumber + ": \"text_pair\" must be a string, found "
                    + InferenceRequest.describe(pair));
        }
        return TextPair.of(text, pair.textValue());
    }

    /** {@code {"question": ..., "context": ...}}. */
    public static QuestionContext questionContext(JsonNode line, int lineNumber) {
        return new QuestionContext(field(line, "question", lineNumber), field(line, "context", lineNumber));
    }

    /** {@code {"prompt": ..., "choices": [...]}}. */
    public static MultipleChoiceInput multipleChoice(JsonNode line, int lineNumber) {
        String prompt = field(line, "prompt", lineNumber);
        JsonNode choices = line.get("choices");
        if (choices == null || !choices.isArray()) {
            throw new WireException("input line " + lineNumber + " needs a \"choices\" list of strings, found "
                    + (choices == null ? "none" : InferenceRequest.describe(choices)));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode choice : choices) {
            if (!choice.isTextual()) {
                throw new WireException("input line " + lineNumber + ": \"choices\" must list strings, found "
                        + InferenceRequest.describe(choice));
            }
            out.add(choice.textValue());
        }
        return new MultipleChoiceInput(prompt, out);
    }

    private static String field(JsonNode line, String name, int lineNumber) {
        JsonNode value = line.isObject() ? line.get(name) : null;
        if (value == null || !value.isTextual()) {
            throw new WireException("input line " + lineNumber + " needs a string field \"" + name + "\", found "
                    + (value == null ? (line.isObject() ? "none" : InferenceRequest.describe(line))
                    : InferenceRequest.describe(value)));
        }
        return value.textValue();
    }
}
