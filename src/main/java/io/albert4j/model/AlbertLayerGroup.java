package io.albert4j.model;

import io.albert4j.checkpoint.StateDict;
import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code AlbertLayerGroup}: inner_group_num distinct layers run in sequence; one use
 * of the group runs them all. Immutable; thread-safe.
 */
final class AlbertLayerGroup {
    private final List<AlbertLayer> layers;

    AlbertLayerGroup(StateDict weights, String prefix, AlbertConfig config, Precision precision) {
        List<AlbertLayer> list = new ArrayList<>();
        for (int i = 0; i < config.innerGroupNum(); i++) {
            list.add(new AlbertLayer(weights, prefix + "albert_layers." + i + ".", config, precision));
        }
        layers = List.copyOf(list);
    }

    List<AlbertLayer> layers() {
        return layers;
    }
}
