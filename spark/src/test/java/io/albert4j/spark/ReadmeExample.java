package io.albert4j.spark;

import io.albert4j.spark.TextClassifier;
import io.albert4j.spark.SentenceEmbedder;
import org.apache.spark.ml.*;
import org.apache.spark.sql.*;
import static org.apache.spark.sql.functions.col;

/**
 * README.md's Spark example, verbatim (the library's ReadmeExamplesTest keeps them equal): compiled
 * by this project's build; it reads and writes HDFS paths, so no test runs it.
 */
final class ReadmeExample {
    private ReadmeExample() {
    }

    static void run(SparkSession spark) throws java.io.IOException {  // save() throws IOException
        Dataset<Row> reviews = spark.read().parquet("hdfs:///data/reviews");      // a string column "review"
        TextClassifier sentiment = new TextClassifier()
                .setModel("hdfs:///models/albert-sst2")                           // copied once to each executor
                .setInputCol("review").setOutputCol("sentiment").setTopK(1);
        SentenceEmbedder embedder = new SentenceEmbedder()
                .setModel("hdfs:///models/albert-base-v2")
                .setInputCol("review").setOutputCol("embedding").setOutputAsVector(true).setNormalize(true);

        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {sentiment, embedder}).fit(reviews);
        model.transform(reviews)
                .select(col("review"), col("sentiment").getItem(0).getField("label").as("label"), col("embedding"))
                .write().parquet("hdfs:///out/reviews-scored");
        model.write().overwrite().save("hdfs:///pipelines/reviews");             // PipelineModel.load(...) later
    }
}
