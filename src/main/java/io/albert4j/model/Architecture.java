package io.albert4j.model;

import io.albert4j.AlbertException;
import io.albert4j.config.AlbertConfig;

/**
 * Which Hugging Face class a checkpoint was saved from, and so which head runs after the encoder.
 * Chosen from {@code architectures} in config.json, or asked for explicitly (a bare encoder can be
 * loaded from any checkpoint).
 *
 * <p>Immutable and thread-safe.
 */
public enum Architecture {
    /** The bare encoder: last_hidden_state and pooler_output. */
    ALBERT_MODEL("AlbertModel"),
    /** Masked LM (prediction_logits) and sentence-order prediction (sop_logits). */
    PRE_TRAINING("AlbertForPreTraining"),
    MASKED_LM("AlbertForMaskedLM"),
    SEQUENCE_CLASSIFICATION("AlbertForSequenceClassification"),
    TOKEN_CLASSIFICATION("AlbertForTokenClassification"),
    QUESTION_ANSWERING("AlbertForQuestionAnswering"),
    MULTIPLE_CHOICE("AlbertForMultipleChoice");

    private final String className;

    Architecture(String className) {
        this.className = className;
    }

    /** The Hugging Face class name, as written in {@code architectures}. */
    public String className() {
        return className;
    }

    /** Whether this architecture has the masked-LM head. */
    public boolean hasMaskedLm() {
        return this == PRE_TRAINING || this == MASKED_LM;
    }

    /** Whether Hugging Face's class computes the pooler (the token-level heads do not). */
    public boolean hasPooler() {
        return this != MASKED_LM && this != TOKEN_CLASSIFICATION && this != QUESTION_ANSWERING;
    }

    /** The architecture named first in config.json's {@code architectures}; the bare encoder if none. */
    public static Architecture of(AlbertConfig config) {
        String name = config.architecture();
        if (name == null) {
            return ALBERT_MODEL;
        }
        for (Architecture a : values()) {
            if (a.className.equals(name)) {
                return a;
            }
        }
        throw new AlbertException("config.json: unsupported architectures entry \"" + name + "\"; expected one of "
                + java.util.Arrays.stream(values()).map(Architecture::className).toList());
    }
}
