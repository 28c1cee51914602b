package io.albert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.albert4j.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Over every line of {@code ../shared/corpus}: the offsets of the default (fast) tokenizer point
 * at the text each token came from. For each token (special tokens and {@code <unk>} aside) the
 * normalized text under its span is the piece without its {@code ▁} word marker; tokens that share
 * one span (a character normalization expands, such as {@code …} into {@code ...}) spell its
 * normalized text together (an {@code <unk>} among them standing for any text); a bare {@code ▁} has the span of the first character of the word it
 * marks (where the next token starts), as {@code offset_mapping} gives it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FastOffsetsPropertyTest {
    private static final char WORD_MARK = '\u2581';
    private final AlbertTokenizer tokenizer = AlbertTokenizer.load(Fixtures.v5TokenizerDir());

    @AfterAll
    void close() {
        tokenizer.close();
    }

    static Stream<Path> corpusFiles() throws IOException {
        Path corpus = Path.of("..", "shared", "corpus").toAbsolutePath().normalize();
        if (!Files.isDirectory(corpus)) {
            throw new IllegalStateException("corpus not found at " + corpus);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(corpus)) {
            files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertEquals(5, files.size(), "corpus files in " + corpus);
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusFiles")
    void everySpanNormalizesToItsToken(Path file) throws IOException {
        FastTokenizer fast = tokenizer.fastTokenizer();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int checked = 0;
        List<String> failures = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            List<Token> tokens = tokenizer.tokenize(line);
            for (int i = 0; i < tokens.size(); i++) {
                Token token = tokens.get(i);
                if (token.id() == tokenizer.unkId() || tokenizer.isSpecial(token.id())) {
                    continue;
                }
                String piece = stripMark(token.piece());
                if (piece.isEmpty()) {
                    if (i + 1 >= tokens.size() || tokens.get(i + 1).start() != token.start()) {
                        failures.add(file.getFileName() + ":" + (n + 1) + " bare ▁ at " + token.start()
                                + " does not start the next token");
                    }
                    continue;
                }
                int last = i;
                StringBuilder spelled = new StringBuilder(Pattern.quote(piece));
                while (last + 1 < tokens.size() && sameSpan(tokens.get(last + 1), token)) {
                    Token next = tokens.get(++last);
                    spelled.append(next.id() == tokenizer.unkId() ? ".+" : Pattern.quote(stripMark(next.piece())));
                }
                String normalized = fast.normalize(line.substring(token.start(), token.end()));
                if (!normalized.matches(spelled.toString())) {
                    failures.add(file.getFileName() + ":" + (n + 1) + " span [" + token.start() + ", " + token.end()
                            + ") \"" + line.substring(token.start(), token.end()) + "\" normalizes to \"" + normalized
                            + "\", tokens spell \"" + spelled + "\"");
                }
                checked += last - i + 1;
                i = last;
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " spans disagree, first: " + failures.subList(0, Math.min(10, failures.size())));
        }
        assertTrue(checked > 10_000, "tokens checked in " + file + ": " + checked);
    }

    private static boolean sameSpan(Token a, Token b) {
        return a.start() == b.start() && a.end() == b.end();
    }

    private static String stripMark(String piece) {
        return !piece.isEmpty() && piece.charAt(0) == WORD_MARK ? piece.substring(1) : piece;
    }
}
