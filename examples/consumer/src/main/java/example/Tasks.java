package example;

import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.*;
import io.albert4j.tokenizer.AlbertTokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * README.md's task examples: the fill-mask block verbatim, and each call of the task table's Java
 * column (ReadmeExamplesTest checks that every one of them is here, with the README's imports).
 */
final class Tasks {
    private Tasks() {
    }

    static void readmeFillMask() {
        Path dir = Path.of("models/albert-demo");
        try (AlbertModel model = AlbertModel.load(dir); AlbertTokenizer tok = AlbertTokenizer.load(dir)) {
            List<List<FillMaskCandidate>> masks = new FillMaskPipeline(model, tok).fill("Paris is the [MASK] of France.", 5, null);
            for (FillMaskCandidate c : masks.get(0)) {                  // one list per [MASK], best first
                System.out.println(c.tokenStr() + " " + c.score());
            }
        }
    }

    static List<List<FillMaskCandidate>> fillMask(AlbertModel model, AlbertTokenizer tok) {
        return new FillMaskPipeline(model, tok).fill("Paris is the [MASK] of France.", 5, null);
    }

    static List<List<FillMaskCandidate>> fillMaskTargets(AlbertModel model, AlbertTokenizer tok, String text) {
        return new FillMaskPipeline(model, tok).fill(text, 5, List.of("capital", "city"));
    }

    static List<LabelScore> classify(AlbertModel model, AlbertTokenizer tok) {
        return new TextClassificationPipeline(model, tok).classify("I love it", null, 1, null);
    }

    static List<LabelScore> classifyPair(AlbertModel model, AlbertTokenizer tok) {
        return new TextClassificationPipeline(model, tok)
                .classify("How old are you?", "I am 6.", TextClassificationPipeline.ALL_LABELS, ScoreFunction.SOFTMAX);
    }

    static List<Answer> answer(AlbertModel model, AlbertTokenizer tok, String q, String context) {
        return new QuestionAnsweringPipeline(model, tok).answer(q, context, QuestionAnsweringOptions.defaults().withTopK(3));
    }

    static List<Entity> tag(AlbertModel model, AlbertTokenizer tok, String text) {
        return new TokenClassificationPipeline(model, tok).tag(text, Aggregation.SIMPLE, null);
    }

    static float[][] tokenFeatures(AlbertModel model, AlbertTokenizer tok, String text) {
        return new FeatureExtractionPipeline(model, tok).tokenFeatures(text);
    }

    static List<float[]> embed(AlbertModel model, AlbertTokenizer tok) {
        return new FeatureExtractionPipeline(model, tok).embed(List.of("a", "b"), Pooling.MEAN, true, 32);
    }

    static List<LabelScore> sentenceOrder(AlbertModel model, AlbertTokenizer tok, String a, String b) {
        return new SentenceOrderPipeline(model, tok).predict(a, b);
    }

    static List<ChoiceScore> choose(AlbertModel model, AlbertTokenizer tok, String prompt) {
        return new MultipleChoicePipeline(model, tok).choose(prompt, List.of("mat.", "moon."));
    }
}
