package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.AlbertException;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Truncation;
import io.albert4j.wire.JsonResults;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * {@code tokenize [--pair TEXT_B] [--max-length N] [--truncation S] [--no-special-tokens] TEXT}:
 * the tokenizer's encoding with character offsets (code points, as Hugging Face's offset_mapping). Needs
 * only the tokenizer files (tokenizer.json or spiece.model, and the tokenizer configs);
 * {@code --tokenizer slow} selects the slow tokenizer.
 *
 * <p>With {@code --input FILE|-}, each JSON Lines line is a text or an object
 * {@code {"text", "text_pair"?, "max_length"?, "truncation"?}} (values on the line override the
 * command's options) and gives one output line, in order, flushed as it is written; a line that
 * cannot be tokenized gives {@code {"error": "line N: ..."}} and the run goes on, exiting with 2 at
 * the end.
 */
final class TokenizeCommand implements Command {
    public String name() {
        return "tokenize";
    }

    public String usage() {
        return "[--model DIR|ID] [--tokenizer fast|slow] [--pair TEXT_B] [--max-length N] "
                + "[--truncation longest_first|only_first|only_second] [--no-special-tokens] (TEXT | --input FILE|-)";
    }

    public Set<String> valueOptions() {
        return Set.of("--model", "--tokenizer", "--pair", "--max-length", "--truncation", "--input");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--no-special-tokens");
    }

    public int run(CliArgs args, Console console) throws Exception {
        try (AlbertTokenizer tokenizer = LoadedModel.loadTokenizer(LoadedModel.resolve(args.value("--model"), console), args)) {
            if (args.value("--input") != null) {
                return tokenizeLines(tokenizer, args, console);
            }
            Encoding e = tokenizer.encode(args.text(), args.value("--pair"), options(args));
            console.out().println(JsonResults.JSON.writeValueAsString(json(e, args.text(), args.value("--pair"))));
            return 0;
        }
    }

    private static int tokenizeLines(AlbertTokenizer tokenizer, CliArgs args, Console console) throws IOException {
        if (!args.positional().isEmpty()) {
            throw new CliException("tokenize: give either TEXT or --input, not both");
        }
        int failed = 0;
        int lineNumber = 0;
        try (BufferedReader reader = JsonLines.open(args.value("--input"), console)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode result;
                try {
                    JsonNode input = JsonLines.parse(line, lineNumber);
                    Encoding e = encodeLine(tokenizer, input, args);
                    result = json(e, TaskCommand.field(input, "text"), pairOf(input, args));
                } catch (AlbertException | CliException e) {
                    failed++;
                    result = JsonResults.JSON.createObjectNode().put("error", "line " + lineNumber + ": " + e.getMessage());
                }
                console.out().println(JsonResults.JSON.writeValueAsString(result));
                console.out().flush();
            }
        }
        if (failed > 0) {
            console.err().println("albert tokenize: " + failed + " of the input lines failed");
            return 2;
        }
        return 0;
    }

    private static Encoding encodeLine(AlbertTokenizer tokenizer, JsonNode line, CliArgs args) {
        String text = TaskCommand.field(line, "text");
        String pair = pairOf(line, args);
        JsonNode maxLength = line.get("max_length");
        JsonNode truncation = line.get("truncation");
        if (maxLength != null && !maxLength.isNull() && !maxLength.canConvertToInt()) {
            throw new CliException("\"max_length\" must be an integer, found " + maxLength);
        }
        EncodeOptions options = options(args.flag("--no-special-tokens"),
                maxLength == null || maxLength.isNull() ? args.intValue("--max-length", 0) : maxLength.intValue(),
                truncation == null || truncation.isNull() ? args.value("--truncation") : truncation.asText());
        return tokenizer.encode(text, pair, options);
    }

    private static String pairOf(JsonNode line, CliArgs args) {
        return line.isObject() ? TaskCommand.optionalField(line, "text_pair") : args.value("--pair");
    }

    static EncodeOptions options(CliArgs args) {
        return options(args.flag("--no-special-tokens"), args.intValue("--max-length", 0), args.value("--truncation"));
    }

    private static EncodeOptions options(boolean noSpecialTokens, int maxLength, String truncation) {
        EncodeOptions options = EncodeOptions.defaults().withAddSpecialTokens(!noSpecialTokens);
        if (maxLength < 0) {
            throw new CliException("--max-length must not be negative");
        }
        if (maxLength > 0) {
            options = options.withMaxLength(maxLength).withTruncation(Truncation.LONGEST_FIRST);
        }
        if (truncation != null) {
            if (maxLength == 0) {
                throw new CliException("--truncation needs --max-length");
            }
            options = options.withTruncation(truncation(truncation));
        }
        return options;
    }

    private static Truncation truncation(String name) {
        try {
            return Truncation.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AlbertException("unknown truncation \"" + name + "\"; expected longest_first, only_first or only_second");
        }
    }

    /** The encoding with its offsets as Hugging Face's offset_mapping counts them: code points of each sequence. */
    private static ObjectNode json(Encoding e, String text, String pair) {
        ObjectNode o = JsonResults.JSON.createObjectNode();
        ArrayNode tokens = o.putArray("tokens");
        e.tokens().forEach(tokens::add);
        o.set("input_ids", JsonResults.ints(e.inputIds()));
        o.set("token_type_ids", JsonResults.ints(e.tokenTypeIds()));
        o.set("attention_mask", JsonResults.ints(e.attentionMask()));
        ArrayNode offsets = o.putArray("offsets");
        for (int i = 0; i < e.length(); i++) {
            String own = e.sequenceIds()[i] == 1 ? pair : text;
            offsets.addArray().add(JsonResults.codePoints(own, e.starts()[i])).add(JsonResults.codePoints(own, e.ends()[i]));
        }
        return o;
    }
}
