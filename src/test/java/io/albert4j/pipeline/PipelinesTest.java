package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.AlbertTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The factory: task names and aliases as Hugging Face spells them, default tasks, heads that do not fit. */
class PipelinesTest {
    private static final Map<String, PipelineGoldenTest.Loaded> LOADED = new HashMap<>();

    /** A v5 fixture checkpoint (the NLI classifier is only there), loaded once. */
    static synchronized PipelineGoldenTest.Loaded loaded(String model) {
        return LOADED.computeIfAbsent(model, name -> {
            var dir = Fixtures.v5ModelDir(name);
            return new PipelineGoldenTest.Loaded(AlbertModel.load(dir), AlbertTokenizer.load(dir));
        });
    }

    @AfterAll
    static void close() {
        LOADED.values().forEach(l -> {
            l.model().close();
            l.tokenizer().close();
        });
        LOADED.clear();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
            "fill-mask, albert-tiny-maskedlm, FillMaskPipeline, FILL_MASK",
            "FILL-MASK, albert-tiny-pretraining, FillMaskPipeline, FILL_MASK",
            "text-classification, albert-tiny-seqcls, TextClassificationPipeline, TEXT_CLASSIFICATION",
            "sentiment-analysis, albert-tiny-seqcls, TextClassificationPipeline, TEXT_CLASSIFICATION",
            "text-classification, albert-tiny-seqcls-nli, TextClassificationPipeline, TEXT_CLASSIFICATION",
            "zero-shot-classification, albert-tiny-seqcls-nli, ZeroShotClassificationPipeline, ZERO_SHOT_CLASSIFICATION",
            "token-classification, albert-tiny-tokcls, TokenClassificationPipeline, TOKEN_CLASSIFICATION",
            "ner, albert-tiny-tokcls, TokenClassificationPipeline, TOKEN_CLASSIFICATION",
            "question-answering, albert-tiny-qa, QuestionAnsweringPipeline, QUESTION_ANSWERING",
            "feature-extraction, albert-tiny-groups, FeatureExtractionPipeline, FEATURE_EXTRACTION",
            "feature-extraction, albert-tiny-qa, FeatureExtractionPipeline, FEATURE_EXTRACTION",
            "multiple-choice, albert-tiny-multichoice, MultipleChoicePipeline, MULTIPLE_CHOICE",
            "sentence-order, albert-tiny-pretraining, SentenceOrderPipeline, SENTENCE_ORDER",
    })
    void createsTheTaskByItsHuggingFaceName(String name, String model, String className, Task task) {
        var m = loaded(model);
        Pipeline<?, ?> pipeline = Pipelines.create(name, m.model(), m.tokenizer());
        assertEquals(className, pipeline.getClass().getSimpleName());
        assertEquals(task, pipeline.task());
        assertEquals(task, Task.of(name));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "albert-tiny-pretraining, fill-mask, 'fill-mask, feature-extraction, sentence-order'",
            "albert-tiny-maskedlm, fill-mask, 'fill-mask, feature-extraction'",
            "albert-tiny-seqcls, text-classification, 'text-classification, feature-extraction'",
            "albert-tiny-seqcls-nli, zero-shot-classification, "
                    + "'zero-shot-classification, text-classification, feature-extraction'",
            "albert-tiny-tokcls, token-classification, 'token-classification, feature-extraction'",
            "albert-tiny-qa, question-answering, 'question-answering, feature-extraction'",
            "albert-tiny-multichoice, multiple-choice, 'multiple-choice, feature-extraction'",
            "albert-tiny-groups, feature-extraction, 'feature-extraction'",
    })
    void defaultTaskComesFromTheArchitecture(String model, String task, String served) {
        var m = loaded(model);
        assertEquals(task, Task.defaultFor(m.model()).taskName());
        assertEquals(task, Pipelines.create(m.model(), m.tokenizer()).task().taskName());
        assertEquals(List.of(served.split(", ")), Task.servedBy(m.model()).stream().map(Task::taskName).toList());
    }

    @Test
    void aHeadThatCannotServeTheTaskIsNamedWithTheTasksItServes() {
        var m = loaded("albert-tiny-qa");
        AlbertException e = assertThrows(AlbertException.class,
                () -> Pipelines.create("fill-mask", m.model(), m.tokenizer()));
        assertEquals("fill-mask needs AlbertForPreTraining or AlbertForMaskedLM; this checkpoint is "
                + "AlbertForQuestionAnswering, which serves question-answering, feature-extraction", e.getMessage());
        var tagger = loaded("albert-tiny-tokcls");
        AlbertException ner = assertThrows(AlbertException.class,
                () -> new QuestionAnsweringPipeline(tagger.model(), tagger.tokenizer()));
        assertTrue(ner.getMessage().contains("AlbertForTokenClassification, which serves token-classification"),
                ner.getMessage());
    }

    @Test
    void zeroShotNeedsAnEntailmentLabel() {
        var m = loaded("albert-tiny-seqcls");
        AlbertException e = assertThrows(AlbertException.class,
                () -> Pipelines.create("zero-shot-classification", m.model(), m.tokenizer()));
        assertTrue(e.getMessage().contains("\"entailment\" label"), e.getMessage());
    }

    @Test
    void unknownTaskListsTheKnownOnes() {
        var m = loaded("albert-tiny-maskedlm");
        AlbertException e = assertThrows(AlbertException.class,
                () -> Pipelines.create("translation", m.model(), m.tokenizer()));
        assertTrue(e.getMessage().startsWith("unknown task \"translation\"; expected one of fill-mask, "
                + "text-classification (sentiment-analysis), "), e.getMessage());
        assertTrue(e.getMessage().contains("token-classification (ner)"), e.getMessage());
    }

    @Test
    void everyArchitectureServesFeatureExtractionAndOneTaskOfItsHead() {
        for (Architecture a : Architecture.values()) {
            assertTrue(Task.FEATURE_EXTRACTION.servedBy(a), a.className());
        }
        assertEquals(List.of(Task.FILL_MASK, Task.FEATURE_EXTRACTION, Task.SENTENCE_ORDER),
                java.util.Arrays.stream(Task.values()).filter(t -> t.servedBy(Architecture.PRE_TRAINING)).toList());
    }

    @Test
    void factoryPipelinesRunWithTheirDefaultOptions() {
        var m = loaded("albert-tiny-maskedlm");
        FillMaskPipeline filler = assertInstanceOf(FillMaskPipeline.class,
                Pipelines.create("fill-mask", m.model(), m.tokenizer()));
        assertEquals(FillMaskOptions.defaults(), filler.options());
        assertEquals(FillMaskOptions.DEFAULT_TOP_K, filler.run("Paris is the [MASK] of France.").get(0).size());
        assertEquals(2, filler.withOptions(filler.options().withTopK(2)).run("a [MASK] b").get(0).size());
    }
}
