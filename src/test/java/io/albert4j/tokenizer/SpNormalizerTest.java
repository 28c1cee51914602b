package io.albert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.albert4j.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java normalizer must spell exactly what native SentencePiece's pieces spell, or offsets
 * fall back to coarse spans: checked on every code point of planes 0-2 and on real text. (The
 * WikiText-2, Botchan and Shakespeare corpora of {@code ../shared/corpus}, 45,000 lines, were
 * checked the same way when this was written, without a mismatch.)
 */
class SpNormalizerTest {
    private static SpNormalizer normalizer;
    private static NativeSentencePiece sentencePiece;

    @BeforeAll
    static void load() {
        Path file = Fixtures.tokenizerDir().resolve(AlbertTokenizer.MODEL_FILE);
        SpModelFile model = SpModelFile.read(file);
        normalizer = new SpNormalizer(model);
        sentencePiece = new NativeSentencePiece(model.bytes, file);
    }

    @AfterAll
    static void close() {
        sentencePiece.close();
    }

    @Test
    void agreesWithNativeSentencePieceOnEveryCodePoint() {
        List<String> inputs = new ArrayList<>();
        for (int cp = 0; cp < 0x30000; cp++) {
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                String c = new String(Character.toChars(cp));
                inputs.add("x" + c + "y");
                inputs.add(c + c + " " + c);
            }
        }
        assertAgrees(inputs);
    }

    @Test
    void agreesWithNativeSentencePieceOnCompositions() {
        List<String> inputs = new ArrayList<>();
        for (String base : List.of("a", "e", "O", "n", "\u03b1", "\u0430", "\u1100\u1161", "\u0915")) {
            for (char mark = '\u0300'; mark < '\u0370'; mark++) {
                inputs.add(base + mark + "\u0301 " + base + "\u0327" + mark);
            }
        }
        inputs.addAll(List.of("", " ", "   a  b   ", "\u3000x\u3000", "\t\n", "a\u200b\u200bb", "\u00a0\u00a0"));
        assertAgrees(inputs);
    }

    @Test
    void agreesWithNativeSentencePieceOnRealText() {
        assertAgrees(GoldenCases.texts());
    }

    private static void assertAgrees(List<String> inputs) {
        List<String> mismatches = new ArrayList<>();
        for (String input : inputs) {
            String expected = String.join("", sentencePiece.pieces(input));
            if (!expected.equals(normalizer.normalize(input).toString())) {
                mismatches.add(GoldenCases.label(input));
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())),
                mismatches.size() + " of " + inputs.size() + " inputs disagree");
    }
}
