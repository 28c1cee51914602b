package io.albert4j.checkpoint;

import io.albert4j.AlbertException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens the weights of a Hugging Face checkpoint directory. Looks, in this order, for
 * {@value #SAFETENSORS}, {@value #SAFETENSORS_INDEX} (sharded safetensors), {@value #PYTORCH} (the zip
 * format of PyTorch 1.6+ or the legacy format before it) and {@value #PYTORCH_INDEX} (sharded), and
 * opens the first present. All readers validate the file structure before trusting it, memory-map
 * the tensor data instead of reading it into the heap, and never execute code from the file.
 *
 * <p>Stateless and thread-safe; each returned reader is for one thread.
 */
public final class Checkpoints {
    /** Single-file safetensors weights. */
    public static final String SAFETENSORS = "model.safetensors";
    /** Index of sharded safetensors weights. */
    public static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
    /** Single-file PyTorch weights ({@code torch.save} of a state dict). */
    public static final String PYTORCH = "pytorch_model.bin";
    /** Index of sharded PyTorch weights. */
    public static final String PYTORCH_INDEX = "pytorch_model.bin.index.json";

    /** The weight files looked for, in order of preference. */
    public static final List<String> WEIGHT_FILES = List.of(SAFETENSORS, SAFETENSORS_INDEX, PYTORCH, PYTORCH_INDEX);

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private Checkpoints() {
    }

    /**
     * Opens the preferred weights file of a checkpoint directory. A path to a weights file itself is
     * accepted too ({@code *.safetensors}, {@code *.index.json}, anything else as a PyTorch file).
     *
     * @throws AlbertException if the directory does not exist or holds none of {@link #WEIGHT_FILES},
     *         or if the chosen file is unreadable or malformed (the message names the file and the problem)
     */
    public static CheckpointReader open(Path checkpoint) {
        if (Files.isRegularFile(checkpoint)) {
            return openFile(checkpoint);
        }
        if (!Files.isDirectory(checkpoint)) {
            throw new AlbertException("checkpoint directory " + checkpoint.toAbsolutePath() + " does not exist");
        }
        for (String name : WEIGHT_FILES) {
            Path file = checkpoint.resolve(name);
            if (Files.isRegularFile(file)) {
                LOG.debug("opening checkpoint weights {}", file);
                return openFile(file);
            }
        }
        String hint = Files.exists(checkpoint.resolve("tf_model.h5")) || Files.exists(checkpoint.resolve("flax_model.msgpack"))
                ? " (TensorFlow and Flax weights are not supported; convert them with transformers' save_pretrained)"
                : "";
        throw new AlbertException("no model weights in checkpoint directory " + checkpoint.toAbsolutePath()
                + ": looked for " + String.join(", ", WEIGHT_FILES) + hint);
    }

    private static CheckpointReader openFile(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".index.json")) {
            return ShardedCheckpoint.open(file, name.contains(".safetensors") ? SafetensorsFile::open : TorchFile::open);
        }
        if (name.endsWith(".safetensors")) {
            return SafetensorsFile.open(file);
        }
        return TorchFile.open(file);
    }
}
