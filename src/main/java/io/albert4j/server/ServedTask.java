package io.albert4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Hugging Face task a checkpoint is served as, chosen from its architecture, and how that task's
 * Inference API requests become {@link Job}s. Parsing runs on HTTP threads; it is thread-safe since
 * it only reads the (thread-safe) model and tokenizer.
 */
abstract class ServedTask {
    final AlbertModel model;
    final AlbertTokenizer tokenizer;

    ServedTask(AlbertModel model, AlbertTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** The Hugging Face pipeline tag: fill-mask, text-classification, ... */
    abstract String name();

    /** Parameters this task accepts. */
    abstract Set<String> parameters();

    /** Top-level fields that are inputs besides {@code inputs} (none but for question answering). */
    Set<String> inputFields() {
        return Set.of();
    }

    /** The job for a request; a 400 {@link HttpError} for wrong fields or values. */
    abstract Job job(Request request);

    /** Parses and validates a body into a job. */
    final Job parse(byte[] body) {
        Request request = Request.parse(body, inputFields());
        request.requireKnownParameters(name(), parameters());
        try {
            return job(request);
        } catch (AlbertException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /**
     * MASKED_LM and PRE_TRAINING → fill-mask; SEQUENCE_CLASSIFICATION → zero-shot-classification when
     * a label names entailment (an NLI model, which also answers text-classification requests), else
     * text-classification;
     * QUESTION_ANSWERING → question-answering; TOKEN_CLASSIFICATION → token-classification; anything
     * else (the bare encoder, multiple choice) → feature-extraction.
     */
    static ServedTask of(AlbertModel model, AlbertTokenizer tokenizer) {
        return switch (model.architecture()) {
            case MASKED_LM, PRE_TRAINING -> new FillMaskTask(model, tokenizer);
            case SEQUENCE_CLASSIFICATION -> ZeroShotClassificationTask.servesZeroShot(model)
                    ? new ZeroShotClassificationTask(model, tokenizer) : new TextClassificationTask(model, tokenizer);
            case QUESTION_ANSWERING -> new QuestionAnsweringTask(model, tokenizer);
            case TOKEN_CLASSIFICATION -> new TokenClassificationTask(model, tokenizer);
            case ALBERT_MODEL, MULTIPLE_CHOICE -> new FeatureExtractionTask(model, tokenizer);
        };
    }

    /** Texts of {@code inputs}: a string (single) or a non-empty list of strings. */
    record Texts(List<String> texts, boolean single) {
        static Texts of(JsonNode inputs) {
            if (inputs.isTextual()) {
                return new Texts(List.of(inputs.textValue()), true);
            }
            if (inputs.isArray() && !inputs.isEmpty()) {
                List<String> texts = new ArrayList<>();
                for (JsonNode item : inputs) {
                    if (!item.isTextual()) {
                        throw HttpError.badRequest("\"inputs\" must be a string or a list of strings; found an item "
                                + Request.describe(item));
                    }
                    texts.add(item.textValue());
                }
                return new Texts(texts, false);
            }
            throw HttpError.badRequest("\"inputs\" must be a string or a non-empty list of strings, found "
                    + Request.describe(inputs));
        }

        List<Object> asInputs() {
            return new ArrayList<>(texts);
        }
    }

    /**
     * With {@code truncation: false}, a 400 for a text (and pair) longer than the model's positions;
     * otherwise the pipelines cut such inputs to fit (longest first, as Hugging Face).
     */
    void requireFits(boolean truncation, String text, String pair) {
        if (truncation) {
            return;
        }
        int positions = model.config().maxPositionEmbeddings();
        int length = tokenizer.encode(text, pair).length();
        if (length > positions) {
            throw HttpError.badRequest("input is " + length + " tokens long (with special tokens) but the model takes "
                    + "at most " + positions + "; send \"truncation\": true to cut it");
        }
    }
}
