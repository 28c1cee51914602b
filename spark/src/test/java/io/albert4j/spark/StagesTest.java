package io.albert4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Parallelism;
import io.albert4j.pipeline.Aggregation;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.FeatureExtractionPipeline;
import io.albert4j.pipeline.LabelScore;
import io.albert4j.pipeline.Pooling;
import io.albert4j.pipeline.TextClassificationPipeline;
import io.albert4j.pipeline.TokenClassificationPipeline;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every stage in local[2] mode against Hugging Face's outputs (transformers 4.39 with its slow
 * tokenizer, so the stages run with tokenizerMode "slow"; zero-shot against transformers 5.17) (the golden fixtures) and against the
 * single-JVM pipeline on the same rows; rows are spread over several partitions and batched in
 * small, length-sorted windows so that reordering and padding are exercised. Null and refused
 * inputs, and schema errors.
 */
class StagesTest {
    /** Hugging Face's float32 outputs versus ours. */
    private static final double GOLDEN = 1e-4;
    /** Spark versus the single-JVM pipeline: the same code, batched differently. */
    private static final double SAME = 1e-5;

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkFixtures.session("StagesTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void textClassificationMatchesGoldenAndPipeline() {
        String model = "albert-tiny-seqcls";
        List<String> texts = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (JsonNode c : SparkFixtures.goldenPipelines(model).get("text-classification")) {
                texts.add(c.get("input").asText());
                expected.add(c.get("output"));
            }
        }
        TextClassifier stage = new TextClassifier().setModel(dir(model)).setTokenizerMode("slow").setTopK(0).setBatchSize(3).setLengthSortWindow(7);
        Map<Integer, Row> rows = SparkRows.byId(stage.transform(SparkRows.texts(spark, texts, 3)));

        try (Single single = new Single(model)) {
            TextClassificationPipeline pipeline = new TextClassificationPipeline(single.model, single.tokenizer);
            for (int i = 0; i < texts.size(); i++) {
                List<Row> labels = rows.get(i).getList(rows.get(i).fieldIndex("classification"));
                assertLabels(expected.get(i), labels, texts.get(i));
                assertSameLabels(pipeline.withOptions(io.albert4j.pipeline.TextClassificationOptions.defaults().withAllLabels())
                        .run(io.albert4j.pipeline.TextPair.of(texts.get(i))), labels);
            }
        }
    }

    @Test
    void textPairClassificationMatchesGolden() {
        String model = "albert-tiny-seqcls";
        List<String[]> values = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        for (JsonNode c : SparkFixtures.goldenPipelines(model).get("text-classification-pairs")) {
            values.add(new String[] {c.get("input").get("text").asText(), c.get("input").get("text_pair").asText()});
            expected.add(c.get("output"));
        }
        TextClassifier stage = new TextClassifier().setModel(dir(model)).setTokenizerMode("slow").setPairCol("pair").setTopK(0).setBatchSize(2);
        Map<Integer, Row> rows = SparkRows.byId(stage.transform(SparkRows.frame(spark, List.of("text", "pair"), values, 2)));
        for (int i = 0; i < values.size(); i++) {
            assertLabels(expected.get(i), rows.get(i).getList(rows.get(i).fieldIndex("classification")), values.get(i)[0]);
        }
    }

    @Test
    void classificationOptionsAndNullAndEmptyInputs() {
        String model = "albert-tiny-seqcls";
        List<String[]> values = List.of(new String[] {"I love it", null}, new String[] {null, "orphan pair"},
                new String[] {"", null}, new String[] {"How old are you?", "I am 6."});
        TextClassifier stage = new TextClassifier().setModel(dir(model)).setTokenizerMode("slow").setPairCol("pair").setTopK(2)
                .setFunctionToApply("sigmoid");
        Map<Integer, Row> rows = SparkRows.byId(stage.transform(SparkRows.frame(spark, List.of("text", "pair"), values, 2)));
        assertTrue(rows.get(1).isNullAt(rows.get(1).fieldIndex("classification")), "a null text gives a null output");
        try (Single single = new Single(model)) {
            TextClassificationPipeline pipeline = new TextClassificationPipeline(single.model, single.tokenizer);
            for (int i : new int[] {0, 2, 3}) {
                List<LabelScore> want = pipeline.withOptions(io.albert4j.pipeline.TextClassificationOptions.defaults()
                        .withTopK(2).withFunctionToApply(io.albert4j.pipeline.ScoreFunction.SIGMOID))
                        .run(new io.albert4j.pipeline.TextPair(values.get(i)[0], values.get(i)[1]));
                List<Row> got = rows.get(i).getList(rows.get(i).fieldIndex("classification"));
                assertEquals(2, got.size());
                assertSameLabels(want, got);
            }
        }
    }

    @Test
    void tokenClassificationMatchesGoldenAndPipeline() {
        String model = "albert-tiny-tokcls";
        List<String> texts = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        for (JsonNode c : SparkFixtures.goldenPipelines(model).get("token-classification")) {
            texts.add(c.get("input").asText());
            expected.add(c.get("output"));
        }
        Dataset<Row> frame = SparkRows.texts(spark, texts, 3);
        Map<Integer, Row> tokens = SparkRows.byId(new TokenClassifier().setModel(dir(model)).setTokenizerMode("slow").setIgnoreLabels()
                .setBatchSize(2).transform(frame));
        for (int i = 0; i < texts.size(); i++) {
            List<Row> got = tokens.get(i).getList(tokens.get(i).fieldIndex("entities"));
            assertEquals(expected.get(i).size(), got.size(), texts.get(i));
            for (int t = 0; t < got.size(); t++) {
                JsonNode want = expected.get(i).get(t);
                Row entity = got.get(t);
                assertEquals(want.get("entity").asText(), entity.getString(entity.fieldIndex("entity")));
                assertEquals(want.get("index").asInt(), entity.getInt(entity.fieldIndex("index")));
                assertEquals(want.get("word").asText(), entity.getString(entity.fieldIndex("word")));
                assertEquals(want.get("score").asDouble(), entity.getDouble(entity.fieldIndex("score")), GOLDEN);
            }
        }

        Map<Integer, Row> groups = SparkRows.byId(new TokenClassifier().setModel(dir(model)).setTokenizerMode("slow")
                .setAggregationStrategy("simple").setIgnoreLabels().transform(frame));
        try (Single single = new Single(model)) {
            TokenClassificationPipeline pipeline = new TokenClassificationPipeline(single.model, single.tokenizer);
            for (int i = 0; i < texts.size(); i++) {
                List<Entity> want = pipeline.withOptions(new io.albert4j.pipeline.TokenClassificationOptions(
                        Aggregation.SIMPLE, List.of())).run(texts.get(i));
                List<Row> got = groups.get(i).getList(groups.get(i).fieldIndex("entities"));
                assertEquals(want.size(), got.size(), texts.get(i));
                for (int g = 0; g < got.size(); g++) {
                    Row entity = got.get(g);
                    assertEquals(want.get(g).label(), entity.getString(entity.fieldIndex("entity_group")));
                    assertEquals(want.get(g).word(), entity.getString(entity.fieldIndex("word")));
                    assertEquals(want.get(g).start(), entity.getInt(entity.fieldIndex("start")));
                    assertEquals(want.get(g).end(), entity.getInt(entity.fieldIndex("end")));
                    assertEquals(want.get(g).score(), entity.getDouble(entity.fieldIndex("score")), SAME);
                }
            }
        }
    }

    @Test
    void questionAnsweringMatchesGolden() {
        String model = "albert-tiny-qa";
        for (JsonNode c : SparkFixtures.goldenPipelines(model).get("question-answering")) {
            JsonNode options = c.get("options");
            QuestionAnswerer stage = new QuestionAnswerer().setModel(dir(model)).setTokenizerMode("slow")
                    .setTopK(options.get("top_k").asInt())
                    .setMaxSeqLen(options.get("max_seq_len").asInt())
                    .setDocStride(options.get("doc_stride").asInt());
            if (options.has("max_answer_len")) {
                stage.setMaxAnswerLen(options.get("max_answer_len").asInt());
            }
            List<String[]> values = List.of(
                    new String[] {c.get("input").get("question").asText(), c.get("input").get("context").asText()},
                    new String[] {"A question without context?", null});
            Map<Integer, Row> rows = SparkRows.byId(stage.transform(
                    SparkRows.frame(spark, List.of("question", "context"), values, 2)));
            List<Row> got = rows.get(0).getList(rows.get(0).fieldIndex("answers"));
            JsonNode want = c.get("output").isArray() ? c.get("output") : spark_array(c.get("output"));
            assertEquals(want.size(), got.size(), c.toString());
            for (int a = 0; a < got.size(); a++) {
                Row answer = got.get(a);
                assertEquals(want.get(a).get("answer").asText(), answer.getString(answer.fieldIndex("answer")));
                assertEquals(want.get(a).get("start").asInt(), answer.getInt(answer.fieldIndex("start")));
                assertEquals(want.get(a).get("end").asInt(), answer.getInt(answer.fieldIndex("end")));
                assertEquals(want.get(a).get("score").asDouble(), answer.getDouble(answer.fieldIndex("score")), GOLDEN);
            }
            assertTrue(rows.get(1).isNullAt(rows.get(1).fieldIndex("answers")), "a null context gives a null output");
        }
    }

    @Test
    void fillMaskMatchesGolden() {
        String model = "albert-tiny-maskedlm";
        List<String> texts = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        for (JsonNode c : SparkFixtures.goldenPipelines(model).get("fill-mask")) {
            assertEquals(5, c.get("top_k").asInt());
            texts.add(c.get("input").asText());
            expected.add(c.get("output"));
        }
        Map<Integer, Row> rows = SparkRows.byId(new MaskFiller().setModel(dir(model)).setTokenizerMode("slow").setBatchSize(2)
                .transform(SparkRows.texts(spark, texts, 2)));
        for (int i = 0; i < texts.size(); i++) {
            List<Object> masks = rows.get(i).getList(rows.get(i).fieldIndex("predictions"));
            // Hugging Face answers a list of candidates for one mask, a list of lists for several.
            JsonNode want = expected.get(i).get(0).isArray() ? expected.get(i) : spark_array(expected.get(i));
            assertEquals(want.size(), masks.size(), texts.get(i));
            for (int m = 0; m < masks.size(); m++) {
                List<Row> candidates = javaList(masks.get(m));
                assertEquals(want.get(m).size(), candidates.size());
                for (int k = 0; k < candidates.size(); k++) {
                    JsonNode w = want.get(m).get(k);
                    Row got = candidates.get(k);
                    assertEquals(w.get("token").asInt(), got.getInt(got.fieldIndex("token")));
                    assertEquals(w.get("token_str").asText(), got.getString(got.fieldIndex("token_str")));
                    assertEquals(w.get("sequence").asText(), got.getString(got.fieldIndex("sequence")));
                    assertEquals(w.get("score").asDouble(), got.getDouble(got.fieldIndex("score")), GOLDEN);
                }
            }
        }
    }

    @Test
    void zeroShotClassificationMatchesTransformers5Golden() {
        // Cases grouped by their options: one transform per distinct (labels, multi_label, template).
        Map<String, List<JsonNode>> byOptions = new java.util.LinkedHashMap<>();
        for (JsonNode c : SparkFixtures.v5GoldenPipelines("albert-tiny-seqcls-nli").get("zero-shot-classification")) {
            byOptions.computeIfAbsent(c.get("options").toString(), k -> new ArrayList<>()).add(c);
        }
        String model = SparkFixtures.v5NliModelDir().toString();
        for (List<JsonNode> cases : byOptions.values()) {
            JsonNode options = cases.get(0).get("options");
            List<String> labels = new ArrayList<>();
            options.get("candidate_labels").forEach(l -> labels.add(l.asText()));
            ZeroShotClassifier stage = new ZeroShotClassifier().setModel(model).setBatchSize(2)
                    .setCandidateLabels(labels.toArray(String[]::new)).setMultiLabel(options.get("multi_label").asBoolean());
            if (options.has("hypothesis_template")) {
                stage.setHypothesisTemplate(options.get("hypothesis_template").asText());
            }
            List<String> texts = cases.stream().map(c -> c.get("input").asText()).toList();
            Map<Integer, Row> rows = SparkRows.byId(stage.transform(SparkRows.texts(spark, texts, 2)));
            for (int i = 0; i < cases.size(); i++) {
                JsonNode want = cases.get(i).get("output");
                List<Row> got = rows.get(i).getList(rows.get(i).fieldIndex("classification"));
                assertEquals(want.get("labels").size(), got.size(), texts.get(i));
                for (int k = 0; k < got.size(); k++) {
                    assertEquals(want.get("labels").get(k).asText(), got.get(k).getString(0), texts.get(i) + " " + options);
                    assertEquals(want.get("scores").get(k).asDouble(), got.get(k).getDouble(1), GOLDEN, texts.get(i));
                }
            }
        }
        Exception noLabels = assertThrows(IllegalArgumentException.class,
                () -> new ZeroShotClassifier().setModel(model).transformSchema(SparkRows.texts(spark, List.of("a"), 1).schema()));
        assertTrue(noLabels.getMessage().contains("candidateLabels is not set"), noLabels.getMessage());
    }

    @Test
    void refusedInputFailsKeepsNullOrSkipsAsHandleInvalidSays() {
        String model = "albert-tiny-maskedlm";
        List<String> texts = Arrays.asList("Paris is the [MASK] of France.", "no mask here", "", null);
        Dataset<Row> frame = SparkRows.texts(spark, texts, 2);

        Exception error = assertThrows(Exception.class,
                () -> new MaskFiller().setModel(dir(model)).setTokenizerMode("slow").transform(frame).collectAsList());
        assertTrue(error.getMessage().contains("no [MASK] token in the input"), error.getMessage());
        assertTrue(error.getMessage().contains("handleInvalid"), error.getMessage());

        Map<Integer, Row> kept = SparkRows.byId(new MaskFiller().setModel(dir(model)).setTokenizerMode("slow").setHandleInvalid("keep")
                .transform(frame));
        assertEquals(4, kept.size());
        assertFalse(kept.get(0).isNullAt(kept.get(0).fieldIndex("predictions")));
        for (int i = 1; i < 4; i++) {
            assertTrue(kept.get(i).isNullAt(kept.get(i).fieldIndex("predictions")), "row " + i);
        }

        Map<Integer, Row> skipped = SparkRows.byId(new MaskFiller().setModel(dir(model)).setTokenizerMode("slow").setHandleInvalid("skip")
                .transform(frame));
        assertEquals(List.of(0, 3), skipped.keySet().stream().sorted().toList(), "refused rows dropped, null rows kept");

        Exception emptyQuestion = assertThrows(Exception.class, () -> new QuestionAnswerer().setModel(dir("albert-tiny-qa")).setTokenizerMode("slow")
                .transform(SparkRows.frame(spark, List.of("question", "context"),
                        List.<String[]>of(new String[] {"", "Some context."}), 1)).collectAsList());
        assertTrue(emptyQuestion.getMessage().contains("question cannot be empty"), emptyQuestion.getMessage());
    }

    @Test
    void aModelWithTheWrongHeadFailsWhateverHandleInvalid() {
        Exception e = assertThrows(Exception.class, () -> new TextClassifier().setModel(dir("albert-tiny-maskedlm")).setTokenizerMode("slow")
                .setHandleInvalid("keep").transform(SparkRows.texts(spark, List.of("a text"), 1)).collectAsList());
        assertTrue(e.getMessage().contains("text-classification needs AlbertForSequenceClassification"), e.getMessage());
    }

    @Test
    void featureExtractionMatchesGolden() {
        String model = "albert-tiny-groups";
        List<String> texts = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        for (JsonNode c : SparkFixtures.goldenPipelines(model).get("feature-extraction")) {
            texts.add(c.get("input").asText());
            expected.add(c.get("output").get(0)); // [1, seq, hidden]
        }
        Map<Integer, Row> rows = SparkRows.byId(new FeatureExtractor().setModel(dir(model)).setTokenizerMode("slow")
                .transform(SparkRows.texts(spark, texts, 2)));
        for (int i = 0; i < texts.size(); i++) {
            List<Object> tokens = rows.get(i).getList(rows.get(i).fieldIndex("features"));
            assertEquals(expected.get(i).size(), tokens.size());
            for (int t = 0; t < tokens.size(); t++) {
                List<Float> got = javaList(tokens.get(t));
                assertEquals(expected.get(i).get(t).size(), got.size());
                for (int h = 0; h < got.size(); h++) {
                    assertEquals(expected.get(i).get(t).get(h).asDouble(), got.get(h), GOLDEN, texts.get(i));
                }
            }
        }
    }

    @Test
    void sentenceEmbeddingsMatchGoldenMeanAndPipeline() {
        String model = "albert-tiny-groups";
        List<String> texts = new ArrayList<>();
        List<JsonNode> tokens = new ArrayList<>();
        for (JsonNode c : SparkFixtures.goldenPipelines(model).get("feature-extraction")) {
            texts.add(c.get("input").asText());
            tokens.add(c.get("output").get(0));
        }
        List<String> withNull = new ArrayList<>(texts);
        withNull.add(null);
        Dataset<Row> frame = SparkRows.texts(spark, withNull, 2);
        Map<Integer, Row> arrays = SparkRows.byId(new SentenceEmbedder().setModel(dir(model)).setTokenizerMode("slow").setBatchSize(2)
                .transform(frame));
        Map<Integer, Row> vectors = SparkRows.byId(new SentenceEmbedder().setModel(dir(model)).setTokenizerMode("slow").setOutputAsVector(true)
                .setNormalize(true).setPooling("cls").transform(frame));
        try (Single single = new Single(model)) {
            FeatureExtractionPipeline pipeline = new FeatureExtractionPipeline(single.model, single.tokenizer);
            List<float[]> normalizedCls = pipeline.withOptions(new io.albert4j.pipeline.FeatureExtractionOptions(
                    Pooling.CLS, true)).embed(texts, 32);
            for (int i = 0; i < texts.size(); i++) {
                List<Float> mean = arrays.get(i).getList(arrays.get(i).fieldIndex("embedding"));
                JsonNode golden = tokens.get(i);
                for (int h = 0; h < mean.size(); h++) {
                    double sum = 0;
                    for (JsonNode token : golden) {
                        sum += token.get(h).asDouble();
                    }
                    assertEquals(sum / golden.size(), mean.get(h), GOLDEN, "mean pooling of the golden token features");
                }
                Vector cls = (Vector) vectors.get(i).get(vectors.get(i).fieldIndex("embedding"));
                assertEquals(normalizedCls.get(i).length, cls.size());
                for (int h = 0; h < cls.size(); h++) {
                    assertEquals(normalizedCls.get(i)[h], cls.apply(h), SAME);
                }
                assertEquals(1.0, org.apache.spark.ml.linalg.Vectors.norm(cls, 2), 1e-5);
            }
        }
        int last = texts.size();
        assertTrue(arrays.get(last).isNullAt(arrays.get(last).fieldIndex("embedding")));
        assertTrue(vectors.get(last).isNullAt(vectors.get(last).fieldIndex("embedding")));
    }

    @Test
    void poolerPoolingOnACheckpointWithoutPoolerFailsAtLoad() {
        Exception e = assertThrows(Exception.class, () -> new SentenceEmbedder().setModel(dir("albert-tiny-maskedlm")).setTokenizerMode("slow")
                .setPooling("pooler").setHandleInvalid("keep")
                .transform(SparkRows.texts(spark, List.of("a text"), 1)).collectAsList());
        assertTrue(e.getMessage().contains("no pooler"), e.getMessage());
    }

    @Test
    void schemaErrorsNameTheColumn() {
        Dataset<Row> frame = SparkRows.texts(spark, List.of("a"), 1);
        TextClassifier stage = new TextClassifier().setModel(dir("albert-tiny-seqcls")).setTokenizerMode("slow");

        Exception missing = assertThrows(IllegalArgumentException.class,
                () -> stage.copy(new org.apache.spark.ml.param.ParamMap()).setInputCol("sentence").transform(frame));
        assertTrue(missing.getMessage().contains("input column \"sentence\" not found; the dataset has [id, text]"),
                missing.getMessage());

        Exception wrongType = assertThrows(IllegalArgumentException.class,
                () -> new TextClassifier().setModel("m").setInputCol("id").transformSchema(frame.schema()));
        assertTrue(wrongType.getMessage().contains("input column \"id\" must be of type string, found int"),
                wrongType.getMessage());

        Exception exists = assertThrows(IllegalArgumentException.class,
                () -> new TextClassifier().setModel("m").setOutputCol("text").transformSchema(frame.schema()));
        assertTrue(exists.getMessage().contains("output column \"text\" already exists"), exists.getMessage());

        Exception noModel = assertThrows(IllegalArgumentException.class,
                () -> new SentenceEmbedder().transformSchema(frame.schema()));
        assertTrue(noModel.getMessage().contains("the model parameter is not set"), noModel.getMessage());

        Exception badOption = assertThrows(IllegalArgumentException.class,
                () -> new TokenClassifier().setAggregationStrategy("longest"));
        assertTrue(badOption.getMessage().contains("aggregationStrategy"), badOption.getMessage());

        Exception missingPair = assertThrows(IllegalArgumentException.class,
                () -> new TextClassifier().setModel("m").setPairCol("pair").transformSchema(frame.schema()));
        assertTrue(missingPair.getMessage().contains("input column \"pair\" not found"), missingPair.getMessage());
    }

    @Test
    void kernelThreadsFollowSparkTaskCpusOrTheThreadsParameter() {
        Dataset<Row> frame = SparkRows.texts(spark, List.of("one", "two"), 2);
        new SentenceEmbedder().setModel(dir("albert-tiny-groups")).setTokenizerMode("slow").transform(frame).collectAsList();
        assertEquals(1, Parallelism.threads(), "spark.task.cpus is 1 in local[2]");
        new SentenceEmbedder().setModel(dir("albert-tiny-groups")).setTokenizerMode("slow").setThreads(2).transform(frame).collectAsList();
        assertEquals(2, Parallelism.threads());
    }

    private static String dir(String model) {
        return SparkFixtures.modelDir(model).toString();
    }

    /** Hugging Face's single-answer dict as a one-element list. */
    private static JsonNode spark_array(JsonNode single) {
        return new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode().add(single);
    }

    /** An inner array of a collected row (a Scala Seq, in Scala 2.12 and 2.13 alike) as a Java list. */
    @SuppressWarnings("unchecked")
    private static <T> List<T> javaList(Object value) {
        scala.collection.Seq<T> seq = (scala.collection.Seq<T>) value;
        List<T> list = new ArrayList<>(seq.length());
        for (int i = 0; i < seq.length(); i++) {
            list.add(seq.apply(i));
        }
        return list;
    }

    private static void assertLabels(JsonNode expected, List<Row> got, String text) {
        assertEquals(expected.size(), got.size(), text);
        for (int k = 0; k < got.size(); k++) {
            assertEquals(expected.get(k).get("label").asText(), got.get(k).getString(0), text);
            assertEquals(expected.get(k).get("score").asDouble(), got.get(k).getDouble(1), GOLDEN, text);
        }
    }

    private static void assertSameLabels(List<LabelScore> expected, List<Row> got) {
        assertEquals(expected.size(), got.size());
        for (int k = 0; k < got.size(); k++) {
            assertEquals(expected.get(k).label(), got.get(k).getString(0));
            assertEquals(expected.get(k).score(), got.get(k).getDouble(1), SAME);
        }
    }

    /** The same checkpoint loaded directly, as a single-JVM user would. */
    private static final class Single implements AutoCloseable {
        final AlbertModel model;
        final AlbertTokenizer tokenizer;

        Single(String name) {
            Path dir = SparkFixtures.modelDir(name);
            model = AlbertModel.load(dir);
            tokenizer = AlbertTokenizer.load(dir, TokenizerMode.SLOW);
        }

        @Override
        public void close() {
            tokenizer.close();
            model.close();
        }
    }
}
