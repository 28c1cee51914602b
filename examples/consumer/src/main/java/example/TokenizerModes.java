package example;

import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;
import java.nio.file.Path;

/** README.md's "Tokenizer: fast (default) or slow", verbatim (ReadmeExamplesTest keeps them equal). */
final class TokenizerModes {
    private TokenizerModes() {
    }

    /** The three tokenizers the README loads, for the caller to use and close. */
    static AlbertTokenizer[] load() {
        Path dir = Path.of("models/albert-demo");
        AlbertTokenizer fast = AlbertTokenizer.load(dir);                          // FAST, keep_accents from tokenizer_config.json
        AlbertTokenizer slow = AlbertTokenizer.load(dir, TokenizerMode.SLOW);
        AlbertTokenizer accents = AlbertTokenizer.load(dir, TokenizerMode.FAST, true); // from_pretrained(dir, keep_accents=True)
        return new AlbertTokenizer[] {fast, slow, accents};
    }
}
