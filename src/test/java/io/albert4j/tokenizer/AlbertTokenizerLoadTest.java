package io.albert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading: missing and corrupt files are refused with messages naming them; settings are read. */
class AlbertTokenizerLoadTest {
    @TempDir
    Path dir;

    private static byte[] model() throws IOException {
        return Files.readAllBytes(Fixtures.tokenizerDir().resolve("spiece.model"));
    }

    private AlbertException loadFails() {
        return assertThrows(AlbertException.class, () -> AlbertTokenizer.load(dir).close());
    }

    @Test
    void missingModelIsNamed() {
        AlbertException e = loadFails();
        assertTrue(e.getMessage().contains(dir.resolve("spiece.model").toString()), e.getMessage());
    }

    @Test
    void slowModeOnATransformers5DirectoryExplainsWhy() throws IOException {
        Files.copy(Fixtures.v5TokenizerDir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertTokenizer.load(dir, TokenizerMode.SLOW));
        assertTrue(e.getMessage().contains("spiece.model") && e.getMessage().contains("TokenizerMode.FAST"), e.getMessage());
    }

    @Test
    void corruptTokenizerJsonIsNamed() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": ");
        AlbertException e = loadFails();
        assertTrue(e.getMessage().contains(dir.resolve("tokenizer.json").toString()), e.getMessage());
    }

    @Test
    void unsupportedTokenizerJsonComponentsAreNamed() throws IOException {
        String json = Files.readString(Fixtures.v5TokenizerDir().resolve("tokenizer.json"));
        for (String[] change : new String[][] {
            {"\"type\": \"Unigram\"", "\"type\": \"BPE\"", "model.type"},
            {"\"type\": \"WhitespaceSplit\"", "\"type\": \"ByteLevel\"", "ByteLevel"},
            {"\"type\": \"NFKD\"", "\"type\": \"NFKC\"", "NFKC"},
            {"\"unk_id\": 1", "\"unk_id\": 30000", "unk_id"}}) {
            String changed = json.replace(change[0], change[1]);
            assertTrue(!changed.equals(json), "fixture text not found: " + change[0]);
            Files.writeString(dir.resolve("tokenizer.json"), changed);
            AlbertException e = loadFails();
            assertTrue(e.getMessage().contains(change[2]) && e.getMessage().contains("tokenizer.json"), e.getMessage());
        }
    }

    @Test
    void missingDirectoryIsNamed() {
        Path missing = dir.resolve("nowhere");
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertTokenizer.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void truncatedModelIsNamed() throws IOException {
        byte[] model = model();
        Files.write(dir.resolve("spiece.model"), Arrays.copyOf(model, model.length / 2));
        assertNamesModel(loadFails());
    }

    @Test
    void garbageModelIsNamed() throws IOException {
        Files.writeString(dir.resolve("spiece.model"), "this is not a SentencePiece model\n");
        assertNamesModel(loadFails());
    }

    @Test
    void emptyModelIsNamed() throws IOException {
        Files.write(dir.resolve("spiece.model"), new byte[0]);
        assertNamesModel(loadFails());
    }

    @Test
    void corruptPrecompiledCharsMapIsNamed() throws IOException {
        byte[] model = model();
        byte[] marker = "nmt_nfkc".getBytes(StandardCharsets.US_ASCII);
        // after the name: field tag (1 byte) and length (3 bytes), then the trie size
        int at = indexOf(model, marker) + marker.length + 4;
        model[at] = (byte) 0xff;
        model[at + 1] = (byte) 0xff;
        model[at + 2] = (byte) 0xff;
        model[at + 3] = (byte) 0x7f;
        Files.write(dir.resolve("spiece.model"), model);
        AlbertException e = loadFails();
        assertNamesModel(e);
        assertTrue(e.getMessage().contains("precompiled_charsmap"), e.getMessage());
    }

    private void assertNamesModel(AlbertException e) {
        assertTrue(e.getMessage().contains(dir.resolve("spiece.model").toString()), e.getMessage());
    }

    @Test
    void modelAloneUsesAlbertDefaults() throws IOException {
        Files.write(dir.resolve("spiece.model"), model());
        try (AlbertTokenizer tokenizer = AlbertTokenizer.load(dir)) {
            assertEquals(List.of("▁cafe", "[MASK]", "▁b"), pieces(tokenizer, "Café [MASK]b"));
            assertEquals(Long.MAX_VALUE, tokenizer.modelMaxLength());
            assertEquals("[MASK]", tokenizer.maskToken());
        }
    }

    @Test
    void corruptConfigIsNamed() throws IOException {
        Files.write(dir.resolve("spiece.model"), model());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": tru");
        AlbertException e = loadFails();
        assertTrue(e.getMessage().contains(dir.resolve("tokenizer_config.json").toString()), e.getMessage());
    }

    @Test
    void wrongSettingTypeNamesKeyAndFile() throws IOException {
        Files.write(dir.resolve("spiece.model"), model());
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"mask_token\": 4}");
        AlbertException e = loadFails();
        assertTrue(e.getMessage().contains("special_tokens_map.json") && e.getMessage().contains("mask_token"),
                e.getMessage());
    }

    @Test
    void specialTokenOutsideVocabularyIsRefused() throws IOException {
        Files.write(dir.resolve("spiece.model"), model());
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"mask_token\": \"<mask>\"}");
        AlbertException e = loadFails();
        assertTrue(e.getMessage().contains("<mask>") && e.getMessage().contains("spiece.model"), e.getMessage());
    }

    @Test
    void settingsAreRead() throws IOException {
        Files.write(dir.resolve("spiece.model"), model());
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"do_lower_case\": false, \"keep_accents\": true, \"model_max_length\": 512,"
                        + " \"clean_up_tokenization_spaces\": false}");
        try (AlbertTokenizer tokenizer = AlbertTokenizer.load(dir, TokenizerMode.SLOW)) {
            assertEquals(List.of("▁", "T", "he", "▁ca", "f", "é", "."), pieces(tokenizer, "The café."));
            assertEquals(512, tokenizer.modelMaxLength());
            assertEquals("he ca f .", tokenizer.decode(tokenizer.encode("he ca f .").inputIds(), true));
            Encoding truncated = tokenizer.encode("a ".repeat(600), null,
                    EncodeOptions.defaults().withTruncation(Truncation.LONGEST_FIRST));
            assertEquals(512, truncated.length());
            assertEquals(tokenizer.sepId(), truncated.inputIds()[511]);
            Encoding capped = tokenizer.encode("a b c", null, EncodeOptions.defaults()
                    .withTruncation(Truncation.LONGEST_FIRST).withPadding(Padding.MAX_LENGTH));
            assertEquals(512, capped.length());
        }
        try (AlbertTokenizer tokenizer = AlbertTokenizer.load(dir, TokenizerMode.SLOW, false)) {
            assertFalse(pieces(tokenizer, "café").contains("é"));
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        AlbertTokenizer tokenizer = AlbertTokenizer.load(Fixtures.tokenizerDir(), TokenizerMode.SLOW);
        tokenizer.close();
        tokenizer.close();
        assertThrows(IllegalStateException.class, () -> tokenizer.tokenize("text"));
    }

    private static List<String> pieces(AlbertTokenizer tokenizer, String text) {
        return tokenizer.tokenize(text).stream().map(Token::piece).toList();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (data[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("pattern not found");
    }
}
