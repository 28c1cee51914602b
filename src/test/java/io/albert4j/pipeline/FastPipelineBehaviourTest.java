package io.albert4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.Golden;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the v5 goldens do not pin down for the fast-path pipelines: the Metaspace decoder's edge
 * cases, QA answers being the context's own characters, zero-shot's errors, batching and threads.
 */
class FastPipelineBehaviourTest {
    private static PipelineGoldenV5Test.Loaded loaded(String model) {
        return PipelineGoldenV5Test.loaded(model, "");
    }

    @Test
    void tokensToStringIsTheMetaspaceDecoder() {
        // expected values printed by tokenizers 0.23.2's Metaspace(prepend_scheme="always").decode
        assertEquals("ab c", FastWords.tokensToString(List.of("\u2581a\u2581b", "\u2581c")));
        assertEquals("ab", FastWords.tokensToString(List.of("a\u2581b")));
        assertEquals("x y", FastWords.tokensToString(List.of("x", "\u2581y")));
        assertEquals("\"quotes\"", FastWords.tokensToString(List.of("\u2581", "\"", "quo", "tes", "\"")));
        assertEquals("", FastWords.tokensToString(List.of()));
    }

    @Test
    void answersAreTheContextsOwnCharacters() {
        var m = loaded("albert-tiny-qa");
        QuestionAnsweringPipeline p = new QuestionAnsweringPipeline(m.model(), m.tokenizer());
        for (JsonNode entry : Golden.v5("albert-tiny-qa").get("pipelines").get("question-answering")) {
            String context = entry.get("input").get("context").asText();
            for (Answer a : p.withOptions(QuestionAnsweringOptions.defaults().withTopK(5).withMaxSeqLen(48).withDocStride(16))
                    .run(new QuestionContext(entry.get("input").get("question").asText(), context))) {
                assertEquals(context.substring(a.start(), a.end()), a.answer());
            }
        }
    }

    @Test
    void aStrideAsLongAsTheContextRoomIsRefused() {
        var m = loaded("albert-tiny-qa");
        QuestionAnsweringPipeline p = new QuestionAnsweringPipeline(m.model(), m.tokenizer());
        String context = "word ".repeat(100);
        AlbertException e = assertThrows(AlbertException.class, () -> p.withOptions(
                QuestionAnsweringOptions.defaults().withMaxSeqLen(20).withDocStride(16)).run(new QuestionContext("Where?", context)));
        assertTrue(e.getMessage().contains("doc_stride 16"), e.getMessage());
    }

    @Test
    void zeroShotNeedsAnEntailmentLabel() {
        var m = loaded("albert-tiny-seqcls");
        AlbertException e = assertThrows(AlbertException.class,
                () -> new ZeroShotClassificationPipeline(m.model(), m.tokenizer()));
        assertTrue(e.getMessage().contains("entailment") && e.getMessage().contains("negative"), e.getMessage());
    }

    @Test
    void zeroShotRefusesATemplateWithoutSlotAndNoLabels() {
        var m = loaded("albert-tiny-seqcls-nli");
        ZeroShotClassificationPipeline p = new ZeroShotClassificationPipeline(m.model(), m.tokenizer());
        assertTrue(assertThrows(AlbertException.class, () -> ZeroShotOptions.of(List.of("a")).withHypothesisTemplate("About it."))
                .getMessage().contains("{}"));
        assertTrue(assertThrows(AlbertException.class, () -> p.run("x")).getMessage().contains("candidate_labels"));
    }

    @Test
    void zeroShotAsReadmesTaskTableCallsIt() {
        var m = loaded("albert-tiny-seqcls-nli");
        var model = m.model();
        var tok = m.tokenizer();
        ZeroShotResult r = new ZeroShotClassificationPipeline(model, tok, ZeroShotOptions.of(List.of("politics", "food"))).run("The capital of France is Paris.");
        assertEquals(2, r.labels().size());
        assertEquals(1.0, r.scores().get(0) + r.scores().get(1), 1e-6, "single-label scores are a softmax over the labels");
        assertTrue(r.scores().get(0) >= r.scores().get(1), "best first");
    }

    @Test
    void zeroShotBatchedEqualsOneByOne() {
        var m = loaded("albert-tiny-seqcls-nli");
        List<String> labels = List.of("politics", "food", "animals");
        ZeroShotClassificationPipeline p = new ZeroShotClassificationPipeline(m.model(), m.tokenizer(),
                ZeroShotOptions.of(labels));
        List<String> texts = List.of("The capital of France is Paris.", "Hello, my dog is cute",
                "The stock market fell sharply today (again).");
        List<ZeroShotResult> batched = p.run(texts);
        for (int i = 0; i < texts.size(); i++) {
            ZeroShotResult alone = p.run(texts.get(i));
            assertEquals(alone.labels(), batched.get(i).labels());
            for (int j = 0; j < labels.size(); j++) {
                assertEquals(alone.scores().get(j), batched.get(i).scores().get(j), 1e-5);
            }
        }
    }

    @Test
    void eightThreadsSharingOneZeroShotPipelineGetTheSingleThreadAnswers() throws Exception {
        var m = loaded("albert-tiny-seqcls-nli");
        List<String> texts = List.of("The capital of France is Paris.", "Hello, my dog is cute", "I love it.");
        List<String> labels = List.of("sports", "economy", "technology", "travel");
        ZeroShotClassificationPipeline p = new ZeroShotClassificationPipeline(m.model(), m.tokenizer(),
                ZeroShotOptions.of(labels).withMultiLabel(true));
        List<String> expected = texts.stream().map(t -> p.run(t).toString()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                int offset = thread;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 12; i++) {
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
}
