package io.albert4j.model;

import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * The one place that says which heads each {@link Architecture} runs after the encoder, and from
 * which weight scope each is loaded, as Hugging Face's {@code AlbertFor*} classes declare them.
 */
final class TaskHeads {
    private TaskHeads() {
    }

    /**
     * Loads the heads of {@code architecture} from the checkpoint's root scope; the masked-LM decoder
     * is tied to {@code wordEmbeddings} unless the config unties it.
     *
     * @throws io.albert4j.AlbertException naming the full key, and the expected and found shapes, for
     *                                     a missing or misshapen head weight
     */
    static List<TaskHead> load(Architecture architecture, WeightScope root, AlbertConfig config,
                               INDArray wordEmbeddings, Lifecycle lifecycle) {
        return switch (architecture) {
            case ALBERT_MODEL -> List.of();
            case PRE_TRAINING -> List.of(
                    new AlbertMLMHead(root.pp("predictions"), config, wordEmbeddings, lifecycle),
                    new AlbertSOPHead(root.pp("sop_classifier"), config));
            case MASKED_LM -> List.of(new AlbertMLMHead(root.pp("predictions"), config, wordEmbeddings, lifecycle));
            case SEQUENCE_CLASSIFICATION -> List.of(new SequenceClassificationHead(root, config));
            case TOKEN_CLASSIFICATION -> List.of(new TokenClassificationHead(root, config));
            case QUESTION_ANSWERING -> List.of(new QuestionAnsweringHead(root, config));
            case MULTIPLE_CHOICE -> List.of(new MultipleChoiceHead(root, config));
        };
    }
}
