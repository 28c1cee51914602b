package io.albert4j.config;

import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlbertConfigTest {

    @Test
    void readsAFixtureConfig() {
        AlbertConfig c = AlbertConfig.load(Fixtures.modelDir("albert-tiny-seqcls"));
        assertEquals(30000, c.vocabSize());
        assertEquals(16, c.embeddingSize());
        assertEquals(48, c.hiddenSize());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(12, c.headSize());
        assertEquals(80, c.intermediateSize());
        assertEquals(Activation.GELU, c.hiddenAct());
        assertEquals(List.of("negative", "neutral", "positive"), c.id2label());
        assertEquals(1, c.labelId("neutral"));
        assertEquals("AlbertForSequenceClassification", c.architecture());
        assertEquals(1e-12, c.layerNormEps());
    }

    @Test
    void absentKeysTakeHuggingFaceDefaults() {
        AlbertConfig c = AlbertConfig.parse("{}", "config.json");
        assertEquals(30000, c.vocabSize());
        assertEquals(128, c.embeddingSize());
        assertEquals(4096, c.hiddenSize());
        assertEquals(64, c.numAttentionHeads());
        assertEquals(16384, c.intermediateSize());
        assertEquals(12, c.numHiddenLayers());
        assertEquals(1, c.numHiddenGroups());
        assertEquals(1, c.innerGroupNum());
        assertEquals(Activation.GELU_NEW, c.hiddenAct());
        assertEquals(512, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertEquals(List.of("LABEL_0", "LABEL_1"), c.id2label());
        assertNull(c.problemType());
        assertNull(c.architecture());
    }

    @Test
    void unknownKeysAreIgnoredAndNumLabelsWithoutId2LabelGivesGenericLabels() {
        AlbertConfig c = AlbertConfig.parse("{\"some_future_key\": [1, 2], \"num_labels\": 3}", "config.json");
        assertEquals(List.of("LABEL_0", "LABEL_1", "LABEL_2"), c.id2label());
    }

    @Test
    void readsATransformers5Config() {
        AlbertConfig c = AlbertConfig.load(Fixtures.resource("v5/models/albert-tiny-seqcls-v5/config.json").getParent());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(List.of("negative", "neutral", "positive"), c.id2label());
        assertFalse(AlbertConfig.parse("{\"tie_word_embeddings\": false}", "config.json").tieWordEmbeddings());
        assertTrue(AlbertConfig.parse("{}", "config.json").tieWordEmbeddings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"hidden_size\": 50, \"num_attention_heads\": 4}|num_attention_heads",
        "{\"hidden_act\": \"gelu_42\"}|hidden_act",
        "{\"position_embedding_type\": \"relative_key\"}|position_embedding_type",
        "{\"num_hidden_layers\": 6, \"num_hidden_groups\": 4}|num_hidden_groups",
        "{\"vocab_size\": 0}|vocab_size",
        "{\"hidden_size\": \"big\"}|hidden_size",
        "{\"layer_norm_eps\": -1}|layer_norm_eps",
        "{\"tie_word_embeddings\": \"yes\"}|tie_word_embeddings",
        "{\"num_labels\": 2, \"id2label\": {\"0\": \"a\", \"1\": \"b\", \"2\": \"c\"}}|num_labels",
        "[1, 2]|JSON object",
        "{not json|not valid JSON"})
    void inconsistentValuesNameTheKey(String json, String key) {
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertConfig.parse(json, "config.json"));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"gelu,GELU", "gelu_new,GELU_NEW", "relu,RELU", "silu,SILU", "swish,SILU", "gelu_fast,GELU_FAST",
        "gelu_pytorch_tanh,GELU_PYTORCH_TANH", "quick_gelu,QUICK_GELU", "tanh,TANH"})
    void everyHuggingFaceActivationName(String name, Activation expected) {
        assertEquals(expected, Activation.fromConfig(name));
    }

    @Test
    void missingConfigNamesTheFileAndDirectory(@TempDir Path dir) {
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertConfig.load(dir));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void erfMatchesKnownValues() {
        // erf(x) to 15 digits, from the NIST Digital Library of Mathematical Functions tables.
        double[][] known = {{0.0, 0.0}, {0.1, 0.112462916018285}, {0.5, 0.520499877813047},
            {1.0, 0.842700792949715}, {2.0, 0.995322265018953}, {3.5, 0.999999256901628}, {5.0, 0.999999999998463}};
        for (double[] k : known) {
            assertEquals(k[1], Erf.erf(k[0]), 1e-14, "erf(" + k[0] + ")");
            assertEquals(-k[1], Erf.erf(-k[0]), 1e-14, "erf(" + -k[0] + ")");
        }
    }

    @Test
    void activationsMatchTheirDefinitions() {
        assertEquals(0.8413447460685429, Activation.GELU.apply(1.0), 1e-12);
        assertEquals(0.8411919906082768, Activation.GELU_NEW.apply(1.0), 1e-12);
        assertEquals(1.0 / (1.0 + Math.exp(-1.702)), Activation.QUICK_GELU.apply(1.0), 1e-12);
        assertEquals(0.7310585786300049, Activation.SILU.apply(1.0), 1e-12);
        assertEquals(0.0, Activation.RELU.apply(-3.0));
    }

    @Test
    void writtenConfigRoundTripsThroughTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 64, \"num_attention_heads\": 8}");
        assertEquals(8, AlbertConfig.load(dir).headSize());
    }
}
