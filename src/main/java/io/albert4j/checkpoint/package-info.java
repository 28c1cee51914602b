/**
 * Reading Hugging Face checkpoints without Python: {@link io.albert4j.checkpoint.Checkpoints#open}
 * picks and opens the weights of a checkpoint directory ({@code model.safetensors}, sharded
 * safetensors, {@code pytorch_model.bin} in PyTorch's zip or legacy format, sharded .bin) as a
 * {@link io.albert4j.checkpoint.CheckpointReader}, and {@link io.albert4j.checkpoint.StateDict}
 * resolves canonical ALBERT keys (prefix and tied weights) to ND4J float32 arrays.
 *
 * <p>Every reader validates the file's structure before trusting any offset or size in it, maps
 * tensor data instead of reading it into the heap (files above 2 GB included), and upcasts F16 and
 * BF16 to float32. PyTorch pickles are read by a restricted interpreter that builds plain values,
 * accepts only the globals a state dict needs, and executes nothing. Problems surface as
 * {@link io.albert4j.AlbertException}s naming the file, the key, and what was expected versus found.
 */
package io.albert4j.checkpoint;
