package io.albert4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.AlbertException;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Truncation;

import java.util.Locale;
import java.util.Set;

/**
 * {@code tokenize [--pair TEXT_B] [--max-length N] [--truncation S] [--no-special-tokens] TEXT}:
 * the tokenizer's encoding with character offsets. Needs only the tokenizer files (tokenizer.json or
 * spiece.model, and the tokenizer configs); {@code --tokenizer slow} selects the slow tokenizer.
 */
final class TokenizeCommand implements Command {
    public String name() {
        return "tokenize";
    }

    public String usage() {
        return "[--model DIR] [--tokenizer fast|slow] [--pair TEXT_B] [--max-length N] [--truncation longest_first|only_first|only_second] "
                + "[--no-special-tokens] TEXT";
    }

    public Set<String> valueOptions() {
        return Set.of("--model", "--tokenizer", "--pair", "--max-length", "--truncation");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--no-special-tokens");
    }

    public int run(CliArgs args, Console console) throws Exception {
        try (AlbertTokenizer tokenizer = LoadedModel.loadTokenizer(LoadedModel.resolve(args.value("--model")), args)) {
            Encoding e = tokenizer.encode(args.text(), args.value("--pair"), options(args));
            console.out().println(JsonResults.JSON.writeValueAsString(json(e, args.text(), args.value("--pair"))));
            return 0;
        }
    }

    static EncodeOptions options(CliArgs args) {
        EncodeOptions options = EncodeOptions.defaults().withAddSpecialTokens(!args.flag("--no-special-tokens"));
        int maxLength = args.intValue("--max-length", 0);
        if (maxLength < 0) {
            throw new CliException("--max-length must not be negative");
        }
        String truncation = args.value("--truncation");
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
