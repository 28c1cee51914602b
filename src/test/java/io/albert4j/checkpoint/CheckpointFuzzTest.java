package io.albert4j.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.albert4j.AlbertException;
import io.albert4j.FuzzSupport;

import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * Fuzz targets for the checkpoint readers: arbitrary bytes as a safetensors file, and as a PyTorch
 * file (zip archive or legacy pickle stream). The invariant: the file is refused with an
 * {@link AlbertException}, or opens and every small tensor reads, never another exception.
 */
class CheckpointFuzzTest {
    private static final Path SAFETENSORS = FuzzSupport.scratch("fuzz.safetensors");
    private static final Path TORCH = FuzzSupport.scratch("fuzz.bin");
    private static final long MAX_ELEMENTS_READ = 1 << 16;

    @FuzzTest(maxDuration = "3h", maxExecutions = 1_000_000)
    void safetensors(byte[] data) {
        FuzzSupport.write(SAFETENSORS, data);
        openAndRead(() -> SafetensorsFile.open(SAFETENSORS));
    }

    @FuzzTest(maxDuration = "3h", maxExecutions = 1_000_000)
    void torch(byte[] data) {
        FuzzSupport.write(TORCH, data);
        openAndRead(() -> TorchFile.open(TORCH));
    }

    private interface Opener {
        CheckpointReader open();
    }

    private static void openAndRead(Opener opener) {
        try (CheckpointReader reader = opener.open()) {
            reader.tensors().forEach((key, info) -> {
                if (info.elementCount() <= MAX_ELEMENTS_READ) {
                    try {
                        reader.readFloat32(key, FloatBuffer.allocate((int) info.elementCount()));
                    } catch (AlbertException refused) {
                        // a dtype or layout the reader refuses: a clear error, as required
                    }
                }
            });
        } catch (AlbertException refused) {
            // the invariant holds: a clear refusal
        }
    }
}
