package io.albert4j.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import io.albert4j.FuzzSupport;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz targets for the tokenizer: arbitrary bytes as spiece.model (the Java validation that runs
 * before anything reaches the native SentencePiece library), and arbitrary text (pairs too) through
 * albert-base-v2's tokenizer, whose encodings must be well formed.
 */
class TokenizerFuzzTest {
    private static final AlbertTokenizer TOKENIZER = AlbertTokenizer.load(Fixtures.tokenizerDir());
    private static final Path MODEL = FuzzSupport.scratch("spiece.model");

    @AfterAll
    static void close() {
        TOKENIZER.close();
    }

    @FuzzTest(maxDuration = "3h", maxExecutions = 1_000_000)
    void spieceModel(byte[] data) {
        FuzzSupport.write(MODEL, data);
        try {
            SpModelFile.read(MODEL);
        } catch (AlbertException refused) {
            // a clear refusal
        }
    }

    @FuzzTest(maxDuration = "3h", maxExecutions = 1_000_000)
    void text(String text) {
        if (text == null) {
            return; // Jazzer's String parameters include null; the tokenizer's contract refuses it (IllegalArgumentException)
        }
        int split = text.length() / 2;
        String first = text.substring(0, split);
        String second = text.substring(split);
        try {
            Encoding e = TOKENIZER.encode(first, second);
            assertEquals(e.inputIds().length, e.length());
            for (int id : e.inputIds()) {
                assertTrue(id >= 0 && id < TOKENIZER.vocabSize(), "id " + id);
            }
            TOKENIZER.decode(e.inputIds(), true);
        } catch (AlbertException refused) {
            // lone surrogates: a clear refusal
        }
    }
}
