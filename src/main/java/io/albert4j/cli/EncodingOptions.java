package io.albert4j.cli;

import io.albert4j.AlbertException;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Truncation;
import picocli.CommandLine.Option;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** {@code --max-length N} and {@code --truncation S} (a picocli mixin): how tokenize and forward encode a text. */
final class EncodingOptions {
    @Option(names = "--max-length", paramLabel = "N",
            description = "truncate to N tokens, longest_first unless --truncation says otherwise (default: no limit)")
    int maxLength;

    @Option(names = "--truncation", paramLabel = "longest_first|only_first|only_second",
            completionCandidates = Strategies.class, description = "which text of a pair to truncate (needs --max-length)")
    String truncation;

    /** These options, with special tokens added or not. */
    EncodeOptions encodeOptions(boolean addSpecialTokens) {
        return encodeOptions(addSpecialTokens, maxLength, truncation);
    }

    /** Encode options from these values (a JSON Lines line may override the command's). */
    static EncodeOptions encodeOptions(boolean addSpecialTokens, int maxLength, String truncation) {
        EncodeOptions options = EncodeOptions.defaults().withAddSpecialTokens(addSpecialTokens);
        if (maxLength < 0) {
            throw new CliException("--max-length must not be negative, found " + maxLength);
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

    /** The values the completion script offers for --truncation. */
    static final class Strategies implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("longest_first", "only_first", "only_second").iterator();
        }
    }
}
