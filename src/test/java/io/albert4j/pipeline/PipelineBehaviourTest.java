package io.albert4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pipeline options beyond the golden entries, checked against the golden logits or invariants. */
class PipelineBehaviourTest {
    private static final double TOLERANCE = 1e-4;

    private static PipelineGoldenTest.Loaded loaded(String model) {
        return PipelineGoldenTest.loaded(model);
    }

    @Test
    void fillMaskTargetsKeepWholeVocabularyProbabilities() {
        var m = loaded("albert-tiny-maskedlm");
        List<FillMaskCandidate> out = new FillMaskPipeline(m.model(), m.tokenizer(),
                FillMaskOptions.defaults().withTargets(List.of("▁pound", "finally")))
                .run("The capital of France is [MASK].").get(0);
        assertEquals(2, out.size(), "top_k is capped by the number of targets");
        // The reference's unrestricted top 5 has finally 0.0049905 and pound 0.0047155.
        assertEquals(722, out.get(0).token());
        assertEquals(0.004990512505173683, out.get(0).score(), TOLERANCE);
        assertEquals(11168, out.get(1).token());
        assertEquals(0.004715547896921635, out.get(1).score(), TOLERANCE);
    }

    @Test
    void fillMaskRejectsTextWithoutMaskAndBadTopK() {
        var m = loaded("albert-tiny-maskedlm");
        FillMaskPipeline p = new FillMaskPipeline(m.model(), m.tokenizer());
        assertThrows(AlbertException.class, () -> p.run("no mask"));
        assertEquals("top_k must be at least 1, found 0",
                assertThrows(AlbertException.class, () -> FillMaskOptions.defaults().withTopK(0)).getMessage());
        assertEquals("top_k must be at most 1000, found 1001",
                assertThrows(AlbertException.class, () -> FillMaskOptions.defaults().withTopK(1001)).getMessage());
    }

    @Test
    void classificationTopKAndSigmoid() {
        var m = loaded("albert-tiny-seqcls");
        TextClassificationPipeline p = new TextClassificationPipeline(m.model(), m.tokenizer());
        JsonNode golden = Golden.model("albert-tiny-seqcls").get("cases").get(0);
        float[] logits = new float[3];
        for (int i = 0; i < 3; i++) {
            logits[i] = (float) golden.get("logits").get(0).get(i).asDouble();
        }
        String text = golden.get("inputs").get("text").asText();
        List<LabelScore> top = p.run(TextPair.of(text));
        assertEquals(1, top.size());
        assertEquals("negative", top.get(0).label());
        List<LabelScore> sigmoid = p.withOptions(TextClassificationOptions.defaults().withAllLabels()
                .withFunctionToApply(ScoreFunction.SIGMOID)).run(TextPair.of(text));
        assertEquals(3, sigmoid.size());
        for (LabelScore s : sigmoid) {
            int id = m.model().config().labelId(s.label());
            assertEquals(1 / (1 + Math.exp(-logits[id])), s.score(), TOLERANCE, s.label());
        }
        List<LabelScore> raw = p.withOptions(TextClassificationOptions.defaults().withAllLabels()
                .withFunctionToApply(ScoreFunction.NONE)).run(TextPair.of(text));
        assertEquals(logits[0], raw.get(0).score(), TOLERANCE);
    }

    @Test
    void batchedClassificationEqualsOneByOne() {
        var m = loaded("albert-tiny-seqcls");
        TextClassificationPipeline p = new TextClassificationPipeline(m.model(), m.tokenizer(),
                TextClassificationOptions.defaults().withTopK(3));
        List<TextPair> texts = List.of(TextPair.of("short"), TextPair.of("a much longer text that needs padding in the batch"),
                TextPair.of("mid length text"));
        List<List<LabelScore>> batched = p.run(texts);
        for (int i = 0; i < texts.size(); i++) {
            List<LabelScore> alone = p.run(texts.get(i));
            for (int k = 0; k < 3; k++) {
                assertEquals(alone.get(k).label(), batched.get(i).get(k).label());
                assertEquals(alone.get(k).score(), batched.get(i).get(k).score(), 1e-5);
            }
        }
    }

    @Test
    void questionAnsweringImpossibleAnswerAndErrors() {
        var m = loaded("albert-tiny-qa");
        QuestionAnsweringPipeline p = new QuestionAnsweringPipeline(m.model(), m.tokenizer());
        String context = "My name is Wolfgang and I live in Berlin. I work at a bakery.";
        List<Answer> answers = p.withOptions(QuestionAnsweringOptions.defaults().withTopK(200).withMaxSeqLen(96)
                .withHandleImpossibleAnswer(true)).run(new QuestionContext("Where do I live?", context));
        Answer empty = answers.stream().filter(a -> a.answer().isEmpty()).findFirst().orElseThrow();
        assertEquals(0, empty.start());
        assertEquals(0, empty.end());
        assertTrue(empty.score() > 0 && empty.score() <= 1);
        for (Answer a : answers) {
            if (!a.answer().isEmpty()) {
                assertTrue(context.substring(a.start()).startsWith(a.answer()), a.toString());
            }
        }
        for (int i = 1; i < answers.size(); i++) {
            assertTrue(answers.get(i - 1).score() >= answers.get(i).score(), "sorted by score");
        }
        assertThrows(AlbertException.class, () -> p.run(new QuestionContext(" ", context)));
        assertThrows(AlbertException.class, () -> p.run(new QuestionContext("Where?", "")));
        assertThrows(AlbertException.class, () -> p.withOptions(QuestionAnsweringOptions.defaults().withMaxSeqLen(129))
                .run(new QuestionContext("Where?", context)), "beyond the model's 128 positions");
    }

    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void aggregatedEntitiesCoverTheirTextInOrder(Aggregation aggregation) {
        var m = loaded("albert-tiny-tokcls");
        String text = "My name is Wolfgang and I live in Berlin, Zürich and New-York.";
        List<Entity> entities = new TokenClassificationPipeline(m.model(), m.tokenizer(),
                new TokenClassificationOptions(aggregation, List.of())).run(text);
        assertFalse(entities.isEmpty());
        int previousEnd = 0;
        for (Entity e : entities) {
            assertTrue(e.start() >= previousEnd && e.end() > e.start() && e.end() <= text.length(), e.toString());
            assertEquals(aggregation != Aggregation.NONE, e.grouped());
            if (e.grouped()) {
                assertFalse(e.label().startsWith("B-") || e.label().startsWith("I-"), e.label());
            }
            previousEnd = e.end();
        }
    }

    @Test
    void simpleAggregationGroupsTheUnaggregatedTokens() {
        var m = loaded("albert-tiny-tokcls");
        TokenClassificationPipeline p = new TokenClassificationPipeline(m.model(), m.tokenizer());
        String text = "Angela Merkel met Emmanuel Macron in Paris and Berlin last week.";
        List<Entity> tokens = p.withOptions(new TokenClassificationOptions(Aggregation.NONE, List.of())).run(text);
        List<Entity> groups = p.withOptions(new TokenClassificationOptions(Aggregation.SIMPLE, List.of())).run(text);
        // Regroup the tokens independently: a new group starts at a B- tag or a change of tag.
        List<List<Entity>> expected = new ArrayList<>();
        for (Entity t : tokens) {
            String tag = t.label().replaceFirst("^[BI]-", "");
            List<Entity> last = expected.isEmpty() ? null : expected.get(expected.size() - 1);
            if (last == null || t.label().startsWith("B-")
                    || !last.get(last.size() - 1).label().replaceFirst("^[BI]-", "").equals(tag)) {
                expected.add(new ArrayList<>());
            }
            expected.get(expected.size() - 1).add(t);
        }
        assertEquals(expected.size(), groups.size());
        for (int i = 0; i < groups.size(); i++) {
            List<Entity> members = expected.get(i);
            assertEquals(members.get(0).label().replaceFirst("^[BI]-", ""), groups.get(i).label());
            assertEquals(members.stream().mapToDouble(Entity::score).average().orElseThrow(), groups.get(i).score(), 1e-6);
            assertEquals(members.get(0).start(), groups.get(i).start());
            assertEquals(members.get(members.size() - 1).end(), groups.get(i).end());
        }
        assertTrue(p.withOptions(new TokenClassificationOptions(Aggregation.SIMPLE, List.of("O", "PER", "LOC")))
                .run(text).isEmpty(), "ignore_labels apply to groups");
    }

    @Test
    void sentenceEmbeddingsPoolTheTokenFeatures() {
        var m = loaded("albert-tiny-groups");
        FeatureExtractionPipeline p = new FeatureExtractionPipeline(m.model(), m.tokenizer());
        JsonNode golden = Golden.model("albert-tiny-groups").get("cases").get(0);
        String text = golden.get("inputs").get("text").asText();
        float[][] tokens = p.run(text);
        List<String> texts = List.of("A much longer sentence, so that the batch needs padding for the others.", text, "Hi");
        List<float[]> mean = pooled(p, Pooling.MEAN, false).embed(texts, 2);
        float[] expectedMean = new float[tokens[0].length];
        for (float[] t : tokens) {
            for (int j = 0; j < t.length; j++) {
                expectedMean[j] += t[j] / tokens.length;
            }
        }
        assertArrays(expectedMean, mean.get(1), "mean pooling, in input order");
        assertArrays(tokens[0], pooled(p, Pooling.CLS, false).run(text)[0], "cls pooling");
        float[] pooler = pooled(p, Pooling.POOLER, false).embed(List.of(text), 8).get(0);
        Golden.assertClose(Golden.flatten(golden.get("pooler_output").get(0)), toDoubles(pooler), TOLERANCE, "pooler");
        float[] unit = pooled(p, Pooling.MEAN, true).run(text)[0];
        double norm = 0;
        for (float v : unit) {
            norm += v * v;
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-5);
    }

    @Test
    void sentenceOrderIsTheSoftmaxOfTheSopLogits() {
        var m = loaded("albert-tiny-pretraining");
        JsonNode golden = null;
        for (JsonNode c : Golden.model("albert-tiny-pretraining").get("cases")) {
            if (c.get("kind").asText().equals("pairs")) {
                golden = c;
                break;
            }
        }
        JsonNode in = golden.get("inputs");
        List<LabelScore> out = new SentenceOrderPipeline(m.model(), m.tokenizer())
                .run(TextPair.of(in.get("text").asText(), in.get("text_pair").asText()));
        double a = golden.get("sop_logits").get(0).get(0).asDouble();
        double b = golden.get("sop_logits").get(0).get(1).asDouble();
        double inOrder = 1 / (1 + Math.exp(b - a));
        LabelScore first = out.get(0);
        assertTrue(first.score() >= out.get(1).score());
        double expected = first.label().equals(SentenceOrderPipeline.IN_ORDER) ? inOrder : 1 - inOrder;
        assertEquals(expected, first.score(), TOLERANCE);
    }

    @Test
    void multipleChoiceIsTheSoftmaxOverChoices() {
        var m = loaded("albert-tiny-multichoice");
        JsonNode golden = Golden.model("albert-tiny-multichoice").get("cases").get(0);
        List<String> choices = new ArrayList<>();
        golden.get("inputs").get("choices").forEach(c -> choices.add(c.asText()));
        List<ChoiceScore> out = new MultipleChoicePipeline(m.model(), m.tokenizer())
                .run(new MultipleChoiceInput(golden.get("inputs").get("prompt").asText(), choices));
        double[] logits = Golden.flatten(golden.get("logits"));
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l);
        }
        for (int i = 0; i < choices.size(); i++) {
            assertEquals(choices.get(i), out.get(i).choice());
            assertEquals(Math.exp(logits[i]) / sum, out.get(i).score(), TOLERANCE);
        }
    }

    @Test
    void wrongHeadIsRefusedNamingTheClasses() {
        var m = loaded("albert-tiny-qa");
        AlbertException e = assertThrows(AlbertException.class, () -> new FillMaskPipeline(m.model(), m.tokenizer()));
        assertTrue(e.getMessage().contains("AlbertForMaskedLM") && e.getMessage().contains("AlbertForQuestionAnswering"),
                e.getMessage());
    }

    @Test
    void eightThreadsSharingOnePipelineGetTheSingleThreadAnswers() throws Exception {
        var m = loaded("albert-tiny-maskedlm");
        FillMaskPipeline p = new FillMaskPipeline(m.model(), m.tokenizer());
        List<String> texts = List.of("The capital of France is [MASK].", "Paris is the [MASK] of France.",
                "The [MASK] sat on the [MASK].", "I [MASK] you.");
        List<String> expected = texts.stream().map(t -> p.run(t).toString()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                int offset = thread;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        int k = (i + offset) % texts.size();
                        if (!p.run(texts.get(k)).toString().equals(expected.get(k))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get(), "a concurrent result differed from the single-thread result");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertArrays(float[] expected, float[] actual, String what) {
        Golden.assertClose(toDoubles(expected), toDoubles(actual), 1e-5, what);
    }

    private static double[] toDoubles(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static FeatureExtractionPipeline pooled(FeatureExtractionPipeline p, Pooling pooling, boolean normalize) {
        return p.withOptions(new FeatureExtractionOptions(pooling, normalize));
    }
}
