package io.albert4j.cli;

import io.albert4j.tokenizer.TokenizerMode;
import picocli.CommandLine.Option;

import java.util.Iterator;
import java.util.List;

/** {@code --tokenizer fast|slow} (a picocli mixin): which tokenizer a model-loading command uses. */
final class TokenizerOption {
    @Option(names = "--tokenizer", paramLabel = "fast|slow", completionCandidates = Modes.class,
            description = "fast (default): Hugging Face's tokenizers-backed tokenizer; "
                    + "slow: the transformers-4 SentencePiece one")
    String name = "fast";

    /**
     * The mode named; checked when the command runs rather than by a picocli converter, so that the
     * message reads like every other CLI error: the option, what it accepts, what it found.
     */
    TokenizerMode mode() {
        return switch (name) {
            case "fast" -> TokenizerMode.FAST;
            case "slow" -> TokenizerMode.SLOW;
            default -> throw new CliException("--tokenizer must be fast or slow, found \"" + name + "\"");
        };
    }

    /** The values the completion script offers. */
    static final class Modes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("fast", "slow").iterator();
        }
    }
}
