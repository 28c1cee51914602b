package io.albert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Character offsets: for every golden text, spans lie in the text, are ordered, and cover exactly
 * the characters each piece was made from.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenOffsetsTest {
    private static final String SPACE = "\u2581";

    private final AlbertTokenizer stripAccents = AlbertTokenizer.load(Fixtures.tokenizerDir(), TokenizerMode.SLOW);
    private final AlbertTokenizer keepAccents = AlbertTokenizer.load(Fixtures.tokenizerDir(), TokenizerMode.SLOW, true);

    @AfterAll
    void close() {
        stripAccents.close();
        keepAccents.close();
    }

    Stream<Arguments> singles() {
        return GoldenCases.list("single").stream().map(c -> Arguments.of(
                (c.get("keep_accents").booleanValue() ? "keep_accents " : "") + "\""
                        + GoldenCases.label(c.get("text").textValue()) + "\"", c));
    }

    @Test
    void everyGoldenTextIsChecked() {
        assertEquals(82, singles().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singles")
    void spansCoverWhatEachPieceWasMadeFrom(String label, JsonNode c) {
        boolean keep = c.get("keep_accents").booleanValue();
        String text = c.get("text").textValue();
        List<Token> tokens = (keep ? keepAccents : stripAccents).tokenize(text);
        assertOrderedWithinText(tokens, text);
        List<Token> cluster = new ArrayList<>();
        for (Token token : tokens) {
            if (isSpecial(token)) {
                assertEquals(token.piece(), text.substring(token.start(), token.end()), "special token span");
            } else if (token.piece().replace(SPACE, "").isEmpty()) {
                assertEquals(token.start(), token.end(), "a piece of ▁ only has an empty span: " + token);
                continue;
            } else if (!cluster.isEmpty() && token.start() < clusterEnd(cluster)) {
                cluster.add(token);
                continue;
            } else {
                assertCovers(cluster, text, keep);
                cluster.clear();
                cluster.add(token);
                continue;
            }
            assertCovers(cluster, text, keep);
            cluster.clear();
        }
        assertCovers(cluster, text, keep);
    }

    /**
     * Pieces made from one expanded character (NFKD of "½" is "1⁄2", of "™" "TM") share its span,
     * so overlapping spans are checked together: the pieces of a cluster spell its normalized text.
     */
    private static void assertCovers(List<Token> cluster, String text, boolean keepAccents) {
        if (cluster.isEmpty()) {
            return;
        }
        int start = cluster.get(0).start();
        int end = clusterEnd(cluster);
        StringBuilder pieces = new StringBuilder();
        cluster.forEach(t -> pieces.append(t.piece().replace(SPACE, "")));
        String covered = text.substring(start, end);
        assertEquals(normalize(covered, keepAccents), pieces.toString(), "span [" + start + ", " + end + ") of " + cluster);
    }

    private static int clusterEnd(List<Token> cluster) {
        return cluster.stream().mapToInt(Token::end).max().orElseThrow();
    }

    private static void assertOrderedWithinText(List<Token> tokens, String text) {
        int previousStart = 0;
        int previousEnd = 0;
        for (Token token : tokens) {
            assertTrue(token.start() >= 0 && token.end() <= text.length(), "span within text: " + token);
            assertTrue(token.start() >= previousStart && token.end() >= previousEnd, "non-decreasing: " + token);
            previousStart = token.start();
            previousEnd = token.end();
        }
    }

    private static boolean isSpecial(Token token) {
        return token.id() <= 4 && token.piece().length() > 1 && !token.piece().startsWith(SPACE)
                && (token.piece().startsWith("[") || token.piece().startsWith("<"));
    }

    /** The reference normalization, written with whole-string JDK calls. */
    private static String normalize(String covered, boolean keepAccents) {
        String s = covered.replace("``", "\"").replace("''", "\"");
        if (!keepAccents) {
            // combining marks; variation selectors are Mn too but have combining class 0
            s = Normalizer.normalize(s, Normalizer.Form.NFKD).replaceAll("[\\p{Mn}&&[^\\ufe00-\\ufe0f]]", "");
        }
        s = s.toLowerCase(Locale.ROOT);
        return Normalizer.normalize(s, Normalizer.Form.NFKC).replaceAll("[\\s\\u200b\\u200d]", "");
    }

    @Test
    void examples() {
        assertSpans("Hello world", "▁hello[0,5) ▁world[6,11)");
        assertSpans("  Café au lait", "▁cafe[2,6) ▁au[7,9) ▁la[10,12) it[12,14)");
        assertSpans("is [MASK].", "▁is[0,2) [MASK][3,9) ▁[9,9) .[9,10)");
        assertSpans("born in 92000, ok", "▁born[0,4) ▁in[5,7) ▁9[8,9) 2000[9,13) ,[13,14) ▁ok[15,17)");
        assertSpans("1,2,3,", "▁[0,0) 1,2[0,3) ,[3,4) 3[4,5) ,[5,6)");
        assertSpans("a ½ b", "▁a[0,1) ▁1[2,3) ⁄[2,3) 2[2,3) ▁b[4,5)");
        assertSpans("``x''", "▁[0,0) \"[0,2) x[2,3) \"[3,5)");
        assertSpans("e\uD83D\uDE00f", "▁[0,0) e[0,1) \uD83D\uDE00[1,3) f[3,4)");
    }

    private void assertSpans(String text, String expected) {
        StringBuilder actual = new StringBuilder();
        for (Token t : stripAccents.tokenize(text)) {
            actual.append(actual.length() > 0 ? " " : "").append(t.piece())
                    .append('[').append(t.start()).append(',').append(t.end()).append(')');
        }
        assertEquals(expected, actual.toString(), text);
        assertFalse(expected.isEmpty());
    }
}
