package io.albert4j.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.scala.DefaultScalaModule$;
import io.albert4j.config.AlbertConfig;
import io.albert4j.tokenizer.TokenizerMode;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PipelineModel of every stage saved and loaded; one model load per JVM however many partitions
 * and jobs; models read through a Hadoop FileSystem URI; models freed when the executor stops
 * (AlbertSparkPlugin); the library's Jackson use beside Spark's in one JVM.
 */
class PipelineAndCacheTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkFixtures.session("PipelineAndCacheTest");
    }

    @AfterAll
    static void stopFreesTheModels() {
        new TextClassifier().setModel(dir("albert-tiny-seqcls")).transform(SparkRows.texts(spark, List.of("x"), 1)).count();
        assertTrue(ModelCache.size() > 0);
        spark.stop();
        assertEquals(0, ModelCache.size(), "AlbertSparkPlugin frees the executor's models when it stops");
    }

    @Test
    void savedAndReloadedPipelineModelGivesTheSameOutput(@TempDir Path tmp) throws Exception {
        List<String[]> values = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            values.add(new String[] {"Sentence " + i + " is about the [MASK] of France.", i % 3 == 0 ? null : "A pair " + i,
                    "Where do I live?", "My name is Wolfgang and I live in Berlin " + i + " times."});
        }
        Dataset<Row> frame = SparkRows.frame(spark, List.of("text", "pair", "question", "context"), values, 3);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new TextClassifier().setModel(dir("albert-tiny-seqcls")).setPairCol("pair").setTopK(0)
                        .setFunctionToApply("sigmoid").setBatchSize(4),
                new TokenClassifier().setModel(dir("albert-tiny-tokcls")).setAggregationStrategy("first")
                        .setIgnoreLabels("O", "B-MISC"),
                new QuestionAnswerer().setModel(dir("albert-tiny-qa")).setTopK(2).setMaxSeqLen(48).setDocStride(16),
                new MaskFiller().setModel(dir("albert-tiny-maskedlm")).setTopK(3).setTargets("capital", "city", "paris"),
                new SentenceEmbedder().setModel(dir("albert-tiny-groups")).setPooling("cls").setOutputAsVector(true),
                new FeatureExtractor().setModel(dir("albert-tiny-groups")).setOutputCol("tokens")});
        PipelineModel fitted = pipeline.fit(frame);
        List<Row> before = sorted(fitted.transform(frame));

        String path = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        List<Row> after = sorted(loaded.transform(frame));

        assertEquals(before, after);
        assertEquals(List.of("id", "text", "pair", "question", "context", "classification", "entities", "answers",
                "predictions", "embedding", "tokens"), List.of(loaded.transform(frame).schema().fieldNames()));
        TextClassifier classifier = (TextClassifier) loaded.stages()[0];
        assertEquals("pair", classifier.getPairCol());
        assertEquals("sigmoid", classifier.getFunctionToApply());
        assertEquals(4, classifier.getBatchSize());
        assertArrayEquals(new String[] {"O", "B-MISC"}, ((TokenClassifier) loaded.stages()[1]).getIgnoreLabels());
        assertEquals(48, ((QuestionAnswerer) loaded.stages()[2]).getMaxSeqLen());
        assertArrayEquals(new String[] {"capital", "city", "paris"}, ((MaskFiller) loaded.stages()[3]).getTargets());
        assertTrue(((SentenceEmbedder) loaded.stages()[4]).getOutputAsVector());
    }

    @Test
    void aStageSavesAndLoadsOnItsOwn(@TempDir Path tmp) throws Exception {
        TokenClassifier stage = new TokenClassifier().setModel(dir("albert-tiny-tokcls")).setAggregationStrategy("max")
                .setInputCol("sentence").setThreads(1).setHandleInvalid("skip");
        stage.save(tmp.resolve("stage").toString());
        TokenClassifier loaded = TokenClassifier.load(tmp.resolve("stage").toString());
        assertEquals(stage.uid(), loaded.uid());
        assertEquals("max", loaded.getAggregationStrategy());
        assertEquals("sentence", loaded.getInputCol());
        assertEquals("skip", loaded.getHandleInvalid());
        assertEquals(stage.getModel(), loaded.getModel());
        assertArrayEquals(new String[] {"O"}, loaded.getIgnoreLabels(), "defaults survive");

        ZeroShotClassifier zeroShot = new ZeroShotClassifier().setModel("org/nli-model@v1")
                .setCandidateLabels("sports", "economy").setHypothesisTemplate("About {}.").setMultiLabel(true);
        zeroShot.save(tmp.resolve("zero-shot").toString());
        ZeroShotClassifier zeroShotLoaded = ZeroShotClassifier.load(tmp.resolve("zero-shot").toString());
        assertArrayEquals(new String[] {"sports", "economy"}, zeroShotLoaded.getCandidateLabels());
        assertEquals("About {}.", zeroShotLoaded.getHypothesisTemplate());
        assertTrue(zeroShotLoaded.getMultiLabel());
        assertEquals("org/nli-model@v1", zeroShotLoaded.getModel());
    }

    @Test
    void theModelIsLoadedOncePerJvmHoweverManyPartitionsAndJobs() {
        ModelCache.clear();
        int before = ModelCache.loads();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add("Row number " + i + " of a dataset spread over many partitions.");
        }
        Dataset<Row> frame = SparkRows.texts(spark, texts, 8);
        TextClassifier stage = new TextClassifier().setModel(dir("albert-tiny-seqcls")).setBatchSize(4);
        assertEquals(40, stage.transform(frame).collectAsList().size());
        assertEquals(40, stage.copy(new org.apache.spark.ml.param.ParamMap()).setTopK(3).transform(frame).count());
        assertEquals(1, ModelCache.loads() - before, "8 partitions on 2 task threads, 2 jobs: one load");
        assertEquals(1, ModelCache.size());
    }

    @Test
    void aHadoopFileSystemUriIsCopiedOnceToALocalDirectory() {
        Path source = SparkFixtures.modelDir("albert-tiny-seqcls");
        String uri = source.toUri().toString();
        assertTrue(uri.startsWith("file:/"), uri);
        Dataset<Row> frame = SparkRows.texts(spark, List.of("I love it", "I hate it", "Meh."), 3);

        ModelCache.clear();
        int before = ModelCache.loads();
        List<Row> viaUri = sorted(new TextClassifier().setModel(uri).setTopK(0).transform(frame));
        assertEquals(1, ModelCache.loads() - before);
        Path copy = ModelCache.get(uri, TokenizerMode.FAST, new Configuration()).directory();
        assertNotEquals(source, copy);
        assertTrue(Files.isRegularFile(copy.resolve("model.safetensors")));
        List<Row> viaPath = sorted(new TextClassifier().setModel(source.toString()).setTopK(0).transform(frame));
        assertEquals(viaPath, viaUri);

        ModelCache.clear();
        assertFalse(Files.exists(copy), "the local copy is deleted when the model is freed");
    }

    @Test
    void aHubIdResolvesThroughTheExecutorsHuggingFaceCache() throws Exception {
        // huggingface_hub's cache layout, filled by hand: refs/main names the commit whose snapshot
        // holds the files (HF_HUB_CACHE and HF_HUB_OFFLINE=1 are set for the test JVM by the pom).
        Path cache = Path.of(System.getenv("HF_HUB_CACHE"));
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path repo = cache.resolve("models--test-org--albert-tiny-seqcls");
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
        Path source = SparkFixtures.modelDir("albert-tiny-seqcls");
        for (String name : List.of("config.json", "model.safetensors", "spiece.model", "tokenizer_config.json",
                "special_tokens_map.json")) {
            Files.copy(source.resolve(name), snapshot.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path noExist = Files.createDirectories(repo.resolve(".no_exist").resolve(commit));
        Files.write(noExist.resolve("tokenizer.json"), new byte[0]);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs").resolve("main"), commit);

        Dataset<Row> frame = SparkRows.texts(spark, List.of("I love it", "I hate it"), 2);
        List<Row> viaHub = sorted(new TextClassifier().setModel("test-org/albert-tiny-seqcls@main").setTopK(0)
                .transform(frame));
        List<Row> viaPath = sorted(new TextClassifier().setModel(source.toString()).setTopK(0).transform(frame));
        assertEquals(viaPath, viaHub);
    }

    @Test
    void aMissingModelFailsNamingIt() {
        Dataset<Row> frame = SparkRows.texts(spark, List.of("text"), 1);
        Exception remote = assertThrows(Exception.class, () -> new TextClassifier().setModel("file:///no/such/model")
                .transform(frame).collectAsList());
        assertTrue(remote.getMessage().contains("cannot copy the model file:///no/such/model"), remote.getMessage());
        Exception local = assertThrows(Exception.class, () -> new TextClassifier().setModel("/no/such/model")
                .transform(frame).collectAsList());
        assertTrue(local.getMessage().contains("model directory not found and not a Hub model id: \"/no/such/model\""),
                local.getMessage());
        Exception notCached = assertThrows(Exception.class, () -> new TextClassifier().setModel("test-org/not-cached")
                .transform(frame).collectAsList());
        assertTrue(notCached.getMessage().contains("offline mode is on"), notCached.getMessage());
    }

    @Test
    void theLibrarysJacksonUseWorksOnSparksJacksonInOneJvm() {
        // Spark's Scala module refuses a jackson-databind of another minor version: this is what
        // breaks when the library's newer Jackson wins on a Spark classpath.
        new ObjectMapper().registerModule(DefaultScalaModule$.MODULE$);
        AlbertConfig config = AlbertConfig.load(SparkFixtures.modelDir("albert-tiny-seqcls"));
        assertEquals(List.of("negative", "neutral", "positive"), config.id2label());
        List<String> json = SparkRows.texts(spark, List.of("x"), 1).toJSON().collectAsList();
        assertEquals("{\"id\":0,\"text\":\"x\"}", json.get(0));
    }

    private static String dir(String model) {
        return SparkFixtures.modelDir(model).toString();
    }

    private static List<Row> sorted(Dataset<Row> frame) {
        List<Row> rows = new ArrayList<>(frame.collectAsList());
        rows.sort(Comparator.comparingInt(r -> r.getInt(r.fieldIndex("id"))));
        return rows;
    }
}
