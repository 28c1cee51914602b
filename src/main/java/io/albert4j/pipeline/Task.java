package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The tasks albert4j's pipelines serve, named as Hugging Face's {@code pipeline(task)} names them,
 * and the one table of which checkpoint architectures (heads) serve each. The CLI, the server and
 * {@link Pipelines} all read it.
 *
 * <p>Immutable and thread-safe.
 */
public enum Task {
    /** Masked-token candidates ({@link FillMaskPipeline}). */
    FILL_MASK("fill-mask", List.of(), true, Architecture.PRE_TRAINING, Architecture.MASKED_LM),
    /** Labels of a text or text pair ({@link TextClassificationPipeline}). */
    TEXT_CLASSIFICATION("text-classification", List.of("sentiment-analysis"), true,
            Architecture.SEQUENCE_CLASSIFICATION),
    /** Zero-shot labels with an NLI classifier ({@link ZeroShotClassificationPipeline}). */
    ZERO_SHOT_CLASSIFICATION("zero-shot-classification", List.of(), true, Architecture.SEQUENCE_CLASSIFICATION),
    /** Entities, tagged per token ({@link TokenClassificationPipeline}). */
    TOKEN_CLASSIFICATION("token-classification", List.of("ner"), true, Architecture.TOKEN_CLASSIFICATION),
    /** Extractive answers ({@link QuestionAnsweringPipeline}). */
    QUESTION_ANSWERING("question-answering", List.of(), true, Architecture.QUESTION_ANSWERING),
    /** Hidden states or sentence embeddings of any checkpoint's encoder ({@link FeatureExtractionPipeline}). */
    FEATURE_EXTRACTION("feature-extraction", List.of(), true, Architecture.values()),
    /** Scores of a prompt's choices ({@link MultipleChoicePipeline}); no Hugging Face pipeline of its own. */
    MULTIPLE_CHOICE("multiple-choice", List.of(), false, Architecture.MULTIPLE_CHOICE),
    /** ALBERT's sentence-order prediction ({@link SentenceOrderPipeline}); no Hugging Face pipeline of its own. */
    SENTENCE_ORDER("sentence-order", List.of(), false, Architecture.PRE_TRAINING);

    private final String taskName;
    private final List<String> aliases;
    private final boolean inferenceApi;
    private final Set<Architecture> architectures;

    Task(String taskName, List<String> aliases, boolean inferenceApi, Architecture... architectures) {
        this.taskName = taskName;
        this.aliases = aliases;
        this.inferenceApi = inferenceApi;
        this.architectures = Set.copyOf(Arrays.asList(architectures));
    }

    /** The name as Hugging Face spells it: {@code fill-mask}, {@code text-classification}, ... */
    public String taskName() {
        return taskName;
    }

    /** Other names Hugging Face accepts for this task ({@code sentiment-analysis}, {@code ner}). */
    public List<String> aliases() {
        return aliases;
    }

    /** Whether Hugging Face's Inference API defines this task (so the server can serve it). */
    public boolean inferenceApi() {
        return inferenceApi;
    }

    /** The architectures whose head serves this task. */
    public Set<Architecture> architectures() {
        return architectures;
    }

    /** Whether a checkpoint of this architecture serves the task. */
    public boolean servedBy(Architecture architecture) {
        return architectures.contains(architecture);
    }

    /** The task of a name or alias, ignoring case. */
    public static Task of(String name) {
        if (name != null) {
            String wanted = name.strip().toLowerCase(Locale.ROOT);
            for (Task task : values()) {
                if (task.taskName.equals(wanted) || task.aliases.contains(wanted)) {
                    return task;
                }
            }
        }
        throw new AlbertException("unknown task \"" + name + "\"; expected one of " + Arrays.stream(values())
                .map(t -> t.taskName + (t.aliases.isEmpty() ? "" : " (" + String.join(", ", t.aliases) + ")"))
                .collect(Collectors.joining(", ")));
    }

    /**
     * The tasks a checkpoint serves, its default first: those of its architecture, zero-shot
     * classification only for a classifier whose labels name entailment.
     */
    public static List<Task> servedBy(AlbertModel model) {
        Task first = defaultFor(model);
        return Stream.concat(Stream.of(first), Arrays.stream(values()).filter(t -> t != first
                && t.servedBy(model.architecture())
                && (t != ZERO_SHOT_CLASSIFICATION || ZeroShotClassificationPipeline.entailmentLabel(model.config()) >= 0)))
                .toList();
    }

    /**
     * The task a checkpoint serves when none is named: its head's task (a sequence classifier whose
     * labels name entailment, an NLI model, is zero-shot-classification), feature-extraction for the
     * bare encoder.
     */
    public static Task defaultFor(AlbertModel model) {
        return switch (model.architecture()) {
            case PRE_TRAINING, MASKED_LM -> FILL_MASK;
            case SEQUENCE_CLASSIFICATION -> ZeroShotClassificationPipeline.entailmentLabel(model.config()) >= 0
                    ? ZERO_SHOT_CLASSIFICATION : TEXT_CLASSIFICATION;
            case TOKEN_CLASSIFICATION -> TOKEN_CLASSIFICATION;
            case QUESTION_ANSWERING -> QUESTION_ANSWERING;
            case MULTIPLE_CHOICE -> MULTIPLE_CHOICE;
            case ALBERT_MODEL -> FEATURE_EXTRACTION;
        };
    }

    /**
     * Fails unless the model's head serves this task, naming the architecture, the heads the task
     * needs and the tasks this checkpoint serves.
     */
    public void requireServedBy(AlbertModel model) {
        if (!servedBy(model.architecture())) {
            throw new AlbertException(taskName + " needs " + EnumSet.copyOf(architectures).stream()
                    .map(Architecture::className).collect(Collectors.joining(" or ")) + "; this checkpoint is "
                    + model.architecture().className() + ", which serves " + servedBy(model).stream()
                    .map(Task::taskName).collect(Collectors.joining(", ")));
        }
    }

    @Override
    public String toString() {
        return taskName;
    }
}
