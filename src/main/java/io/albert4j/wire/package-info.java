/**
 * Hugging Face-shaped JSON for albert4j's pipelines: {@link io.albert4j.wire.InferenceApi} reads
 * Inference API request bodies into typed inputs and options records and writes the responses,
 * {@link io.albert4j.wire.JsonLinesInput} reads JSON Lines inputs, and
 * {@link io.albert4j.wire.JsonResults} is the one place results become JSON. The CLI and the HTTP
 * server both go through this package, so they answer the same input with the same JSON.
 */
package io.albert4j.wire;
