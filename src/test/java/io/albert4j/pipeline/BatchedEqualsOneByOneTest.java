package io.albert4j.pipeline;

import io.albert4j.tokenizer.AlbertTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every pipeline's batched {@code run(List)} (inputs of different lengths, padded into one forward
 * pass) gives what running each input alone gives: the same labels, words and offsets, scores
 * within float rounding of the padded pass.
 */
class BatchedEqualsOneByOneTest {
    /** Padding changes the shapes of the matrix products, so sums may round differently. */
    private static final double TOLERANCE = 1e-5;
    private static final List<String> TEXTS = List.of("Hi.",
            "My name is Wolfgang and I live in Berlin, a much longer text that needs padding in the batch.",
            "The capital of France is Paris.", "Zürich and New-York, again (and again).");
    /** A v5 fixture checkpoint with its (fast) tokenizer. */
    private static PipelineGoldenTest.Loaded loaded(String model) {
        return PipelinesTest.loaded(model);
    }

    @AfterAll
    static void close() {
        PipelinesTest.close();
    }

    /** Runs the inputs batched and one by one, and checks each pair of results. */
    private static <I, O> List<O> assertBatchedEqualsAlone(Pipeline<I, O> pipeline, List<I> inputs,
                                                           java.util.function.BiConsumer<O, O> same) {
        List<O> batched = pipeline.run(inputs);
        assertEquals(inputs.size(), batched.size());
        for (int i = 0; i < inputs.size(); i++) {
            same.accept(pipeline.run(inputs.get(i)), batched.get(i));
        }
        return batched;
    }

    private static <T> void assertSameScored(List<T> alone, List<T> batched, ToDoubleFunction<T> score,
                                             java.util.function.Function<T, Object> identity) {
        assertEquals(alone.size(), batched.size(), () -> alone + " vs " + batched);
        for (int k = 0; k < alone.size(); k++) {
            assertEquals(identity.apply(alone.get(k)), identity.apply(batched.get(k)));
            assertEquals(score.applyAsDouble(alone.get(k)), score.applyAsDouble(batched.get(k)), TOLERANCE);
        }
    }

    @Test
    void fillMask() {
        var m = loaded("albert-tiny-maskedlm");
        var pipeline = new FillMaskPipeline(m.model(), m.tokenizer(), FillMaskOptions.defaults().withTopK(3));
        List<String> texts = List.of("Paris is the [MASK] of France.", "[MASK]",
                "The [MASK] sat on the [MASK] and looked out of the window for a long while.");
        assertBatchedEqualsAlone(pipeline, texts, (alone, batched) -> {
            assertEquals(alone.size(), batched.size());
            for (int mask = 0; mask < alone.size(); mask++) {
                assertSameScored(alone.get(mask), batched.get(mask), FillMaskCandidate::score,
                        c -> c.token() + " " + c.sequence());
            }
        });
    }

    @Test
    void textClassificationMixesTextsAndPairs() {
        var m = loaded("albert-tiny-seqcls");
        var pipeline = new TextClassificationPipeline(m.model(), m.tokenizer(),
                TextClassificationOptions.defaults().withAllLabels());
        List<TextPair> inputs = List.of(TextPair.of(TEXTS.get(0)), TextPair.of("How old are you?", "I am 6."),
                TextPair.of(TEXTS.get(1)), TextPair.of(TEXTS.get(2), TEXTS.get(3)));
        assertBatchedEqualsAlone(pipeline, inputs,
                (alone, batched) -> assertSameScored(alone, batched, LabelScore::score, LabelScore::label));
    }

    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void tokenClassification(Aggregation aggregation) {
        var m = loaded("albert-tiny-tokcls");
        var pipeline = new TokenClassificationPipeline(m.model(), m.tokenizer(),
                new TokenClassificationOptions(aggregation, List.of()));
        assertBatchedEqualsAlone(pipeline, TEXTS, (alone, batched) -> assertSameScored(alone, batched, Entity::score,
                e -> e.label() + " " + e.word() + " " + e.index() + " " + e.start() + "-" + e.end()));
    }

    @ParameterizedTest(name = "windows per pass {0}")
    @ValueSource(ints = {1, 3, 16})
    void questionAnsweringSharesWindowsAcrossQuestions(int windowsPerPass) {
        var m = loaded("albert-tiny-qa");
        var pipeline = new QuestionAnsweringPipeline(m.model(), m.tokenizer(), QuestionAnsweringOptions.defaults()
                .withTopK(3).withMaxSeqLen(32).withDocStride(8)).withWindowsPerPass(windowsPerPass);
        String longContext = "My name is Wolfgang and I live in Berlin. ".repeat(6) + "I work at a bakery in Potsdam.";
        List<QuestionContext> inputs = List.of(new QuestionContext("Where do I live?", longContext),
                new QuestionContext("Who?", "Wolfgang."), new QuestionContext("Where do I work?", longContext),
                new QuestionContext("What is it?", TEXTS.get(2)));
        assertBatchedEqualsAlone(pipeline, inputs, (alone, batched) -> assertSameScored(alone, batched,
                Answer::score, a -> a.answer() + " " + a.start() + "-" + a.end()));
    }

    @Test
    void questionAnsweringWithTheSlowTokenizer() {
        var m = PipelineGoldenTest.loaded("albert-tiny-qa");
        var pipeline = new QuestionAnsweringPipeline(m.model(), m.tokenizer(), QuestionAnsweringOptions.defaults()
                .withTopK(2).withMaxSeqLen(32).withDocStride(8).withHandleImpossibleAnswer(true)).withWindowsPerPass(2);
        String longContext = "My name is Wolfgang and I live in Berlin. ".repeat(5);
        List<QuestionContext> inputs = List.of(new QuestionContext("Where do I live?", longContext),
                new QuestionContext("Who?", "Wolfgang."), new QuestionContext("What is it?", TEXTS.get(2)));
        assertBatchedEqualsAlone(pipeline, inputs, (alone, batched) -> assertSameScored(alone, batched,
                Answer::score, a -> a.answer() + " " + a.start() + "-" + a.end()));
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void featureExtraction(Pooling pooling) {
        var m = loaded("albert-tiny-groups"); // the bare encoder, with a pooler: every pooling applies
        AlbertTokenizer tokenizer = m.tokenizer();
        var pipeline = new FeatureExtractionPipeline(m.model(), tokenizer,
                new FeatureExtractionOptions(pooling, pooling != Pooling.NONE));
        List<float[][]> batched = assertBatchedEqualsAlone(pipeline, TEXTS, (alone, padded) -> {
            assertEquals(alone.length, padded.length, "rows: the batch's padding is cut off");
            for (int r = 0; r < alone.length; r++) {
                assertArrayEquals(alone[r], padded[r], (float) TOLERANCE);
            }
        });
        assertEquals(pooling == Pooling.NONE ? tokenizer.encode(TEXTS.get(1)).length() : 1, batched.get(1).length);
        if (pooling != Pooling.NONE) {
            List<float[]> embedded = pipeline.embed(TEXTS, 2);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertArrayEquals(batched.get(i)[0], embedded.get(i), (float) TOLERANCE, "embed, in input order");
            }
        }
    }

    @Test
    void zeroShot() {
        var m = loaded("albert-tiny-seqcls-nli");
        for (boolean multiLabel : new boolean[] {false, true}) {
            var pipeline = new ZeroShotClassificationPipeline(m.model(), m.tokenizer(),
                    ZeroShotOptions.of(List.of("politics", "food", "animals")).withMultiLabel(multiLabel));
            assertBatchedEqualsAlone(pipeline, TEXTS, (alone, batched) -> {
                assertEquals(alone.sequence(), batched.sequence());
                assertEquals(alone.labels(), batched.labels());
                for (int j = 0; j < alone.scores().size(); j++) {
                    assertEquals(alone.scores().get(j), batched.scores().get(j), TOLERANCE);
                }
            });
        }
    }

    @Test
    void multipleChoiceWithDifferentNumbersOfChoices() {
        var m = loaded("albert-tiny-multichoice");
        var pipeline = new MultipleChoicePipeline(m.model(), m.tokenizer());
        List<MultipleChoiceInput> inputs = List.of(
                new MultipleChoiceInput("The cat sat on the", List.of("mat.", "moon.")),
                new MultipleChoiceInput("In the morning I drink", List.of("coffee.", "a very long sentence about tea.",
                        "nothing at all.")),
                new MultipleChoiceInput("Paris is", List.of("a city.", "a cheese.", "a river.", "a planet.")));
        List<List<ChoiceScore>> batched = assertBatchedEqualsAlone(pipeline, inputs,
                (alone, b) -> assertSameScored(alone, b, ChoiceScore::score, ChoiceScore::choice));
        for (List<ChoiceScore> scores : batched) {
            assertEquals(1.0, scores.stream().mapToDouble(ChoiceScore::score).sum(), 1e-5, "a softmax per input");
        }
    }

    @Test
    void sentenceOrder() {
        var m = loaded("albert-tiny-pretraining");
        var pipeline = new SentenceOrderPipeline(m.model(), m.tokenizer());
        List<TextPair> inputs = List.of(TextPair.of(TEXTS.get(0), TEXTS.get(1)), TextPair.of(TEXTS.get(2), "Then it rained."),
                TextPair.of("The sky darkened.", "Then it rained."));
        assertBatchedEqualsAlone(pipeline, inputs,
                (alone, batched) -> assertSameScored(alone, batched, LabelScore::score, LabelScore::label));
        assertTrue(pipeline.run(List.of()).isEmpty(), "no inputs, no results");
    }
}
