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
            FillMaskPipeline fillMask = new FillMaskPipeline(model, tok, FillMaskOptions.defaults().withTopK(5));
            List<List<FillMaskCandidate>> masks = fillMask.run("Paris is the [MASK] of France.");
            for (FillMaskCandidate c : masks.get(0)) {                  // one list per [MASK], best first
                System.out.println(c.tokenStr() + " " + c.score());
            }
            List<List<List<FillMaskCandidate>>> batch = fillMask.run(List.of("I [MASK] you.", "The [MASK] sat."));
        }
    }

    static List<List<FillMaskCandidate>> fillMask(AlbertModel model, AlbertTokenizer tok) {
        return new FillMaskPipeline(model, tok).run("Paris is the [MASK] of France.");
    }

    static List<List<FillMaskCandidate>> fillMaskTargets(AlbertModel model, AlbertTokenizer tok, String text) {
        return new FillMaskPipeline(model, tok, FillMaskOptions.defaults().withTargets(List.of("capital", "city"))).run(text);
    }

    static List<LabelScore> classify(AlbertModel model, AlbertTokenizer tok) {
        return new TextClassificationPipeline(model, tok).run(TextPair.of("I love it"));
    }

    static List<LabelScore> classifyPair(AlbertModel model, AlbertTokenizer tok) {
        return new TextClassificationPipeline(model, tok, TextClassificationOptions.defaults().withAllLabels().withFunctionToApply(ScoreFunction.SOFTMAX)).run(TextPair.of("How old are you?", "I am 6."));
    }

    static List<Answer> answer(AlbertModel model, AlbertTokenizer tok, String q, String context) {
        return new QuestionAnsweringPipeline(model, tok, QuestionAnsweringOptions.defaults().withTopK(3)).run(new QuestionContext(q, context));
    }

    static List<Entity> tag(AlbertModel model, AlbertTokenizer tok, String text) {
        return new TokenClassificationPipeline(model, tok, TokenClassificationOptions.defaults().withAggregationStrategy(Aggregation.SIMPLE)).run(text);
    }

    static float[][] tokenFeatures(AlbertModel model, AlbertTokenizer tok, String text) {
        return new FeatureExtractionPipeline(model, tok).run(text);
    }

    static List<float[]> embed(AlbertModel model, AlbertTokenizer tok) {
        return new FeatureExtractionPipeline(model, tok, new FeatureExtractionOptions(Pooling.MEAN, true)).embed(List.of("a", "b"), 32);
    }

    static List<LabelScore> sentenceOrder(AlbertModel model, AlbertTokenizer tok, String a, String b) {
        return new SentenceOrderPipeline(model, tok).run(TextPair.of(a, b));
    }

    static List<ChoiceScore> choose(AlbertModel model, AlbertTokenizer tok, String prompt) {
        return new MultipleChoicePipeline(model, tok).run(new MultipleChoiceInput(prompt, List.of("mat.", "moon.")));
    }

    static Pipeline<?, ?> byName(AlbertModel model, AlbertTokenizer tok) {
        return Pipelines.create("ner", model, tok);
    }

    static Pipeline<?, ?> byCheckpoint(AlbertModel model, AlbertTokenizer tok) {
        return Pipelines.create(model, tok);
    }
}
