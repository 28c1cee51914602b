package io.albert4j.model;

import io.albert4j.checkpoint.StateDict;
import io.albert4j.config.AlbertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code AlbertTransformer}: the embedding→hidden projection, then num_hidden_layers
 * applications of the shared layer groups, application i using group i / (layers / groups).
 * Immutable; thread-safe.
 */
final class AlbertTransformer {
    private static final String PREFIX = "albert.encoder.";

    private final Linear embeddingHiddenMappingIn; // [hidden, embedding]
    private final List<AlbertLayerGroup> groups;
    private final int numHiddenLayers;

    /** precision: of the layers' linear maps; the embedding projection stays float32. */
    AlbertTransformer(StateDict weights, AlbertConfig config, Precision precision) {
        BlasCoreAdvice.warnOnce(); // at load, before the first matrix product
        embeddingHiddenMappingIn = Linear.load(weights, PREFIX + "embedding_hidden_mapping_in",
                config.embeddingSize(), config.hiddenSize());
        List<AlbertLayerGroup> list = new ArrayList<>();
        for (int g = 0; g < config.numHiddenGroups(); g++) {
            list.add(new AlbertLayerGroup(weights, PREFIX + "albert_layer_groups." + g + ".", config, precision));
        }
        groups = List.copyOf(list);
        numHiddenLayers = config.numHiddenLayers();
    }

    /**
     * embedded: [batch·seq, embedding] → [batch·seq, hidden], a fresh array. When {@code hiddenStates}
     * is not null it receives the projection output and the output of every application (fresh
     * arrays), as Hugging Face's {@code output_hidden_states} lists them. Intermediate activations
     * ping-pong between two buffers of the caller's workspace.
     */
    INDArray forward(INDArray embedded, float[][] additiveMask, List<INDArray> hiddenStates, Workspace ws) {
        long rows = embedded.rows();
        long hiddenSize = embeddingHiddenMappingIn.outFeatures();
        INDArray ping = ws.get("hiddenA", rows, hiddenSize);
        INDArray pong = ws.get("hiddenB", rows, hiddenSize);
        INDArray hidden = hiddenStates != null ? Kernels.allocate(rows, hiddenSize) : ping;
        embeddingHiddenMappingIn.projectInto(embedded, hidden);
        Kernels.addBias(hidden, embeddingHiddenMappingIn.bias);
        record(hiddenStates, hidden);
        int layersPerGroup = numHiddenLayers / groups.size();
        for (int i = 0; i < numHiddenLayers; i++) {
            List<AlbertLayer> layers = groups.get(i / layersPerGroup).layers();
            for (int l = 0; l < layers.size(); l++) {
                boolean groupOutput = l == layers.size() - 1;
                boolean fresh = groupOutput && (hiddenStates != null || i == numHiddenLayers - 1);
                INDArray out = fresh ? Kernels.allocate(rows, hiddenSize) : hidden == ping ? pong : ping;
                layers.get(l).forward(hidden, additiveMask, ws, out);
                hidden = out;
            }
            record(hiddenStates, hidden);
        }
        return hidden;
    }

    private static void record(List<INDArray> hiddenStates, INDArray hidden) {
        if (hiddenStates != null) {
            hiddenStates.add(hidden);
        }
    }
}
