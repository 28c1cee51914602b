/**
 * albert4j on Apache Spark: the library's task pipelines as Spark ML {@code Transformer}s for batch
 * inference over DataFrames — {@link io.albert4j.spark.TextClassifier} (texts and text pairs),
 * {@link io.albert4j.spark.ZeroShotClassifier},
 * {@link io.albert4j.spark.TokenClassifier}, {@link io.albert4j.spark.QuestionAnswerer},
 * {@link io.albert4j.spark.MaskFiller}, {@link io.albert4j.spark.SentenceEmbedder} and
 * {@link io.albert4j.spark.FeatureExtractor}. Each stage is configured on the driver with Spark ML
 * {@code Params} (Hugging Face's option names in camelCase), validates its input schema, saves and
 * loads with a {@code Pipeline}, and runs on the executors in batches through a model loaded once
 * per executor JVM ({@link io.albert4j.spark.ModelCache}).
 *
 * <p>Built for Spark 3.5 with Scala 2.13 on Java 17; Spark is a provided dependency.
 */
package io.albert4j.spark;
