package example;

import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.Aggregation;
import io.albert4j.pipeline.Answer;
import io.albert4j.pipeline.ChoiceScore;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.FillMaskCandidate;
import io.albert4j.pipeline.LabelScore;
import io.albert4j.pipeline.TokenClassificationOptions;
import io.albert4j.pipeline.TokenClassificationPipeline;
import io.albert4j.tokenizer.AlbertTokenizer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Runs README.md's examples and every task of the table against the installed albert4j artifact,
 * and checks what each returns (shapes, labels, probabilities, offsets; the values themselves are
 * tested against Hugging Face in the library's own test suite). Run from the repository root:
 * {@code java -cp ... example.ConsumerExample DIR}, where DIR holds the tiny test checkpoints
 * (albert-tiny-seqcls, -qa, -tokcls, -multichoice) with their tokenizer files. Exit code 1 and a
 * message on the first failed check; every line it prints itself starts with "consumer:". With
 * {@code --hub} it runs README's Hub-id examples instead, which download from the Hugging Face Hub.
 */
public final class ConsumerExample {
    private static final Path DEMO = Path.of("models/albert-demo");
    private static int checks;

    private ConsumerExample() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--hub")) {
            System.out.println("consumer: Hub examples ok: " + HubExamples.run());
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: ConsumerExample TINY_CHECKPOINTS_DIR   (or --hub: README's Hub examples, online)");
            System.exit(2);
        }
        Path tiny = Path.of(args[0]);
        try {
            readmeExamples();
            demoModelTasks();
            classifier(tiny.resolve("albert-tiny-seqcls"));
            questionAnswering(tiny.resolve("albert-tiny-qa"));
            tokenClassification(tiny.resolve("albert-tiny-tokcls"));
            multipleChoice(tiny.resolve("albert-tiny-multichoice"));
        } catch (AssertionError e) {
            System.out.println("consumer: FAILED: " + e.getMessage());
            System.exit(1);
        }
        System.out.println("consumer: all " + checks + " checks of the installed albert4j artifact passed");
    }

    private static void readmeExamples() {
        int hidden;
        // Loads the native libraries (and lets them log whatever they log once) before stdout is captured.
        try (AlbertModel model = AlbertModel.load(DEMO); AlbertTokenizer tok = AlbertTokenizer.load(DEMO)) {
            hidden = model.config().hiddenSize();
        }
        String printed = captureStdout(Quickstart::run);
        check(printed.strip().equals("[1, 8, " + hidden + "]"), "quickstart prints the hidden state's shape: " + printed);
        List<String> lines = captureStdout(Tasks::readmeFillMask).lines().toList();
        check(lines.size() == 5, "README fill-mask prints 5 candidates: " + lines);
        report("README quickstart and fill-mask", printed.strip() + ", " + lines.get(0));

        AlbertTokenizer[] modes = TokenizerModes.load();
        try {
            for (AlbertTokenizer t : modes) {
                check(t.encode("Hello, my dog is cute").length() == 8, "README tokenizer modes: 8 tokens");
            }
        } finally {
            for (AlbertTokenizer t : modes) {
                t.close();
            }
        }
        report("README tokenizer modes", modes.length + " tokenizers");
    }

    private static void demoModelTasks() {
        try (AlbertModel model = AlbertModel.load(DEMO); AlbertTokenizer tok = AlbertTokenizer.load(DEMO)) {
            List<FillMaskCandidate> candidates = Tasks.fillMask(model, tok).get(0);
            check(candidates.size() == 5, "fill-mask gives 5 candidates");
            for (int i = 0; i < candidates.size(); i++) {
                FillMaskCandidate c = candidates.get(i);
                check(c.score() > 0 && c.score() <= 1, "a probability: " + c);
                check(i == 0 || candidates.get(i - 1).score() >= c.score(), "best first: " + candidates);
                check(c.sequence().startsWith("paris is the"), "the filled sentence: " + c);
            }
            report("fill-mask", candidates.get(0).tokenStr() + " " + candidates.get(0).score());

            List<FillMaskCandidate> targeted = Tasks.fillMaskTargets(model, tok, "Paris is the [MASK] of France.").get(0);
            check(targeted.size() == 2, "one candidate per target: " + targeted);
            check(targeted.stream().allMatch(c -> Set.of("capital", "city").contains(c.tokenStr())), "targets: " + targeted);
            report("fill-mask with targets", targeted.get(0).tokenStr());

            float[][] features = Tasks.tokenFeatures(model, tok, "A sentence.");
            check(features.length == tok.encode("A sentence.").length(), "one vector per token");
            check(features[0].length == model.config().hiddenSize(), "hidden-size vectors");
            List<float[]> embeddings = Tasks.embed(model, tok);
            check(embeddings.size() == 2, "two sentence embeddings");
            for (float[] v : embeddings) {
                double norm = 0;
                for (float x : v) {
                    norm += x * x;
                }
                check(Math.abs(Math.sqrt(norm) - 1) < 1e-4, "normalized embedding, norm " + Math.sqrt(norm));
            }
            report("feature extraction and embeddings", features.length + " x " + features[0].length);

            List<LabelScore> order = Tasks.sentenceOrder(model, tok, "Then it rained.", "The sky darkened.");
            check(order.size() == 2 && Math.abs(order.get(0).score() + order.get(1).score() - 1) < 1e-6,
                    "two sentence-order probabilities: " + order);
            report("sentence order", order.get(0).label());
        }
    }

    private static void classifier(Path dir) {
        try (AlbertModel model = AlbertModel.load(dir); AlbertTokenizer tok = AlbertTokenizer.load(dir)) {
            Set<String> labels = Set.of("negative", "neutral", "positive");
            List<LabelScore> top = Tasks.classify(model, tok);
            check(top.size() == 1 && labels.contains(top.get(0).label()), "the top label: " + top);
            List<LabelScore> all = Tasks.classifyPair(model, tok);
            check(all.size() == 3, "every label: " + all);
            check(Math.abs(all.stream().mapToDouble(LabelScore::score).sum() - 1) < 1e-6, "softmax sums to 1: " + all);
            report("text classification", top.get(0).label() + " " + top.get(0).score());
        }
    }

    private static void questionAnswering(Path dir) {
        String context = "My name is Wolfgang and I live in Berlin.";
        try (AlbertModel model = AlbertModel.load(dir); AlbertTokenizer tok = AlbertTokenizer.load(dir)) {
            List<Answer> answers = Tasks.answer(model, tok, "Where do I live?", context);
            check(!answers.isEmpty() && answers.size() <= 3, "1 to 3 answers: " + answers);
            for (Answer a : answers) {
                check(context.substring(a.start(), a.end()).equals(a.answer()), "the answer is its span of the context: " + a);
                check(a.score() > 0 && a.score() <= 1, "a probability: " + a);
            }
            report("question answering", "\"" + answers.get(0).answer() + "\" " + answers.get(0).score());
        }
    }

    private static void tokenClassification(Path dir) {
        String text = "My name is Wolfgang and I live in Berlin.";
        try (AlbertModel model = AlbertModel.load(dir); AlbertTokenizer tok = AlbertTokenizer.load(dir)) {
            List<Entity> entities = Tasks.tag(model, tok, text);
            for (Entity e : entities) {
                check(!e.label().equals("O"), "O is ignored by default: " + e);
                check(e.start() < e.end() && e.end() <= text.length(), "character offsets in the text: " + e);
            }
            check(Tasks.byName(model, tok) instanceof TokenClassificationPipeline, "ner is token classification");
            check(Tasks.byCheckpoint(model, tok) instanceof TokenClassificationPipeline, "the checkpoint's own task");
            List<Entity> all = new TokenClassificationPipeline(model, tok,
                    new TokenClassificationOptions(Aggregation.SIMPLE, List.of())).run(text);
            check(!all.isEmpty(), "with no label ignored, the text has entities");
            for (Entity e : all) {
                check(e.start() < e.end() && e.end() <= text.length(), "character offsets in the text: " + e);
            }
            report("token classification", entities.size() + " entities besides O, " + all.size() + " in all");
        }
    }

    private static void multipleChoice(Path dir) {
        try (AlbertModel model = AlbertModel.load(dir); AlbertTokenizer tok = AlbertTokenizer.load(dir)) {
            List<ChoiceScore> scores = Tasks.choose(model, tok, "The cat sat on the");
            check(scores.size() == 2, "one score per choice: " + scores);
            check(Math.abs(scores.stream().mapToDouble(ChoiceScore::score).sum() - 1) < 1e-6, "softmax over choices");
            report("multiple choice", scores.get(0).choice());
        }
    }

    private static String captureStdout(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static void check(boolean condition, String what) {
        checks++;
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    private static void report(String task, String summary) {
        System.out.println("consumer: " + task + " ok: " + summary);
    }
}
