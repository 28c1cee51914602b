package io.albert4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Padding;
import io.albert4j.tokenizer.TokenizerMode;
import io.albert4j.tokenizer.Truncation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every case of {@code v5/golden/*.json} on the transformers-5 checkpoints (config.json with
 * {@code dtype} and {@code tie_word_embeddings}, tokenizer.json without spiece.model): the inputs
 * the default (fast) tokenizer makes from the case's texts equal the golden inputs, offsets
 * included, and every stored output is within 1e-4.
 */
class V5GoldenOutputsTest {
    private static final double TOLERANCE = 1e-4;
    static final List<String> MODELS = List.of("albert-tiny-pretraining", "albert-tiny-maskedlm",
            "albert-tiny-seqcls", "albert-tiny-qa", "albert-tiny-tokcls", "albert-tiny-multichoice",
            "albert-tiny-groups", "albert-tiny-seqcls-nli");
    private static final Map<String, JsonNode> GOLDEN = new HashMap<>();
    private static final Map<String, AlbertModel> LOADED_MODELS = new HashMap<>();
    private static final Map<String, AlbertTokenizer> TOKENIZERS = new HashMap<>();

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String model : MODELS) {
            JsonNode cases = golden(model).get("cases");
            for (int i = 0; i < cases.size(); i++) {
                out.add(Arguments.of(model, i, cases.get(i).get("kind").asText()));
            }
        }
        assertEquals(92, out.size(), "v5 golden cases found");
        return out.stream();
    }

    @ParameterizedTest(name = "{0} case {1} ({2})")
    @MethodSource("cases")
    void tokenizesAndMatchesTransformers5(String modelName, int caseIndex, String kind) {
        JsonNode golden = golden(modelName).get("cases").get(caseIndex);
        AlbertTokenizer tokenizer = tokenizer(modelName);
        assertEquals(TokenizerMode.FAST, tokenizer.mode());
        assertInputs(golden.get("inputs"), encode(tokenizer, kind, golden.get("inputs")));
        AlbertModel model = model(modelName);
        AlbertOutput out = model.forward(GoldenOutputsTest.input(golden), golden.has("hidden_states_first_last"));
        int compared = 0;
        for (String name : List.of("last_hidden_state", "pooler_output", "logits", "sop_logits",
                "start_logits", "end_logits")) {
            if (golden.has(name)) {
                INDArray actual = GoldenOutputsTest.output(out, name, model.architecture());
                if (kind.equals("multiple_choice") || kind.equals("zero_shot_pairs")) {
                    actual = actual.reshape(Golden.shape(golden.get(name)));
                }
                Golden.assertClose(golden.get(name), actual, TOLERANCE, name);
                compared++;
            }
        }
        if (golden.has("hidden_states_first_last")) {
            List<INDArray> states = out.hiddenStates();
            Golden.assertClose(golden.get("hidden_states_first_last").get(0), states.get(0), TOLERANCE, "hidden_states[0]");
            Golden.assertClose(golden.get("hidden_states_first_last").get(1), states.get(states.size() - 1), TOLERANCE,
                    "hidden_states[-1]");
            compared++;
        }
        for (String prefix : List.of("logits", "prediction_logits")) {
            if (golden.has(prefix + "_sample")) {
                GoldenOutputsTest.compareVocabularyLogits(golden, prefix, out.predictionLogits());
                compared++;
            }
        }
        assertTrue(compared > 0, "no output compared for " + modelName + " case " + caseIndex);
    }

    /** The encodings transformers made for the case, made here by the same calls. */
    private static List<Encoding> encode(AlbertTokenizer tokenizer, String kind, JsonNode in) {
        EncodeOptions longest = EncodeOptions.defaults().withPadding(Padding.LONGEST);
        return switch (kind) {
            case "single", "pairs" -> List.of(tokenizer.encode(in.get("text").textValue(),
                    in.hasNonNull("text_pair") ? in.get("text_pair").textValue() : null));
            case "batch" -> tokenizer.encodeBatch(strings(in.get("texts")), null, longest);
            case "truncated" -> List.of(tokenizer.encode(in.get("text").textValue(), null, EncodeOptions.defaults()
                    .withTruncation(Truncation.LONGEST_FIRST).withMaxLength(in.get("max_length").intValue())));
            case "multiple_choice" -> {
                List<String> choices = strings(in.get("choices"));
                yield tokenizer.encodeBatch(Collections.nCopies(choices.size(), in.get("prompt").textValue()), choices,
                        longest);
            }
            case "zero_shot_pairs" -> {
                List<String> hypotheses = strings(in.get("hypotheses"));
                yield tokenizer.encodeBatch(Collections.nCopies(hypotheses.size(), in.get("text").textValue()),
                        hypotheses, longest.withTruncation(Truncation.ONLY_FIRST));
            }
            default -> throw new IllegalArgumentException("unknown case kind " + kind);
        };
    }

    private static void assertInputs(JsonNode in, List<Encoding> encodings) {
        assertEquals(in.get("input_ids").size(), encodings.size(), "batch size");
        for (int b = 0; b < encodings.size(); b++) {
            Encoding e = encodings.get(b);
            assertArrayEquals(Golden.ints(in.get("input_ids").get(b)), e.inputIds(), "input_ids[" + b + "]");
            assertArrayEquals(Golden.ints(in.get("token_type_ids").get(b)), e.tokenTypeIds(), "token_type_ids[" + b + "]");
            assertArrayEquals(Golden.ints(in.get("attention_mask").get(b)), e.attentionMask(), "attention_mask[" + b + "]");
            if (in.has("offset_mapping")) {
                JsonNode offsets = in.get("offset_mapping").get(b);
                String[] segments = segments(in, b);
                for (int i = 0; i < e.length(); i++) {
                    String segment = e.sequenceIds()[i] == 1 ? segments[1] : segments[0];
                    int start = offsets.get(i).get(0).intValue();
                    int end = offsets.get(i).get(1).intValue();
                    assertEquals(utf16(segment, start), e.starts()[i], "offset_mapping[" + b + "][" + i + "] start");
                    assertEquals(utf16(segment, end), e.ends()[i], "offset_mapping[" + b + "][" + i + "] end");
                }
            }
        }
    }

    /** The texts of encoding {@code b}: first and second sequence (null when there is none). */
    private static String[] segments(JsonNode in, int b) {
        if (in.has("texts")) {
            return new String[] {in.get("texts").get(b).textValue(), null};
        }
        if (in.has("choices")) {
            return new String[] {in.get("prompt").textValue(), in.get("choices").get(b).textValue()};
        }
        return new String[] {in.get("text").textValue(), in.hasNonNull("text_pair") ? in.get("text_pair").textValue() : null};
    }

    private static int utf16(String text, int codePoints) {
        return codePoints == 0 ? 0 : text.offsetByCodePoints(0, codePoints);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.textValue()));
        return out;
    }

    static synchronized JsonNode golden(String model) {
        return GOLDEN.computeIfAbsent(model, m -> Golden.read(Fixtures.v5Golden(m)));
    }

    private static synchronized AlbertModel model(String name) {
        return LOADED_MODELS.computeIfAbsent(name, n -> AlbertModel.load(Fixtures.v5ModelDir(n)));
    }

    private static synchronized AlbertTokenizer tokenizer(String name) {
        return TOKENIZERS.computeIfAbsent(name, n -> {
            Path dir = Fixtures.v5ModelDir(n);
            return AlbertTokenizer.load(dir);
        });
    }

    @AfterAll
    static void close() {
        LOADED_MODELS.values().forEach(AlbertModel::close);
        TOKENIZERS.values().forEach(AlbertTokenizer::close);
    }
}
