package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.pipeline.TextPair;
import io.albert4j.wire.JsonLinesInput;
import io.albert4j.wire.JsonResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.util.concurrent.Callable;

/**
 * {@code tokenize [--pair TEXT_B] [--max-length N] [--truncation S] [--no-special-tokens] TEXT}:
 * the tokenizer's encoding with character offsets (code points, as Hugging Face's offset_mapping). Needs
 * only the tokenizer files (tokenizer.json or spiece.model, and the tokenizer configs);
 * {@code --tokenizer slow} selects the slow tokenizer.
 *
 * <p>With {@code --input FILE|-}, each JSON Lines line is a text or an object
 * {@code {"text", "text_pair"?, "max_length"?, "truncation"?}} (values on the line override the
 * command's options) and gives one output line, as {@link JsonLines} describes.
 */
@Command(name = "tokenize", footer = {"", "JSON Lines: a JSON string or {\"text\", \"text_pair\"?, \"max_length\"?, "
        + "\"truncation\"?} per line (values on the line override the options)."},
        description = "Tokens, ids, token types, attention mask and character offsets (code points) of TEXT.")
final class TokenizeCommand implements Callable<Integer> {
    @ParentCommand
    AlbertCommand root;

    @Mixin
    ModelOption model;

    @Mixin
    TokenizerOption tokenizerOption;

    @Option(names = "--pair", paramLabel = "TEXT_B", description = "the second text of a pair")
    String pair;

    @Mixin
    EncodingOptions encoding;

    @Option(names = "--no-special-tokens", description = "leave out [CLS] and [SEP]")
    boolean noSpecialTokens;

    @Mixin
    JsonLinesOptions jsonLines;

    @Parameters(paramLabel = "TEXT", arity = "0..1", description = "the text")
    String text;

    /** One JSON Lines line: the texts and how to encode them. */
    private record Line(String text, String pair, EncodeOptions options) {
    }

    @Override
    public Integer call() throws Exception {
        TaskCommand.requireTextOrInput("tokenize", jsonLines.active(), text != null);
        EncodeOptions options = encoding.encodeOptions(!noSpecialTokens);
        Console console = root.console();
        try (AlbertTokenizer tokenizer = AlbertTokenizer.load(LoadedModel.resolve(model.model, console),
                tokenizerOption.mode())) {
            if (!jsonLines.active()) {
                Encoding e = tokenizer.encode(text, pair, options);
                console.out().println(JsonResults.JSON.writeValueAsString(json(e, text, pair)));
                return 0;
            }
            try (BufferedReader reader = JsonLines.open(jsonLines.input, console)) {
                return new JsonLines<>("tokenize", this::line, lines -> lines.stream()
                        .map(l -> (JsonNode) json(tokenizer.encode(l.text(), l.pair(), l.options()), l.text(), l.pair()))
                        .toList(), jsonLines.failFast, console).run(reader);
            }
        }
    }

    /** A line: a JSON string, or {@code {"text", "text_pair"?, "max_length"?, "truncation"?}}. */
    private Line line(JsonNode line, int lineNumber) {
        TextPair texts = line.isObject() ? JsonLinesInput.textPair(line, lineNumber)
                : new TextPair(JsonLinesInput.text(line, lineNumber), pair);
        JsonNode maxLength = line.get("max_length");
        JsonNode truncation = line.get("truncation");
        if (maxLength != null && !maxLength.isNull() && !maxLength.canConvertToInt()) {
            throw new CliException("\"max_length\" must be an integer, found " + maxLength);
        }
        EncodeOptions options = EncodingOptions.encodeOptions(!noSpecialTokens,
                maxLength == null || maxLength.isNull() ? encoding.maxLength : maxLength.intValue(),
                truncation == null || truncation.isNull() ? encoding.truncation : truncation.asText());
        return new Line(texts.text(), texts.textPair(), options);
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
