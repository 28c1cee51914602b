package io.albert4j.model;

import io.albert4j.AlbertException;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;

/**
 * oneDNN (JavaCPP's presets of Intel's library), loaded on the first reduced-precision model: one
 * CPU engine for the process, one stream per calling thread (oneDNN streams are not to be shared
 * between threads; engines and primitives are). oneDNN's threads follow {@code OMP_NUM_THREADS},
 * like ND4J's. Thread-safe.
 */
final class Dnnl {
    /** The platforms whose oneDNN natives Maven Central has at the version this build uses. */
    static final String PLATFORMS = "linux-x86_64, linux-arm64, macosx-x86_64, windows-x86_64";

    private static volatile engine cpu;
    private static final ThreadLocal<stream> STREAMS = ThreadLocal.withInitial(() -> new stream(engine()));

    private Dnnl() {
    }

    /** The process's CPU engine, loading the natives first; a platform without them is named. */
    static engine engine() {
        engine e = cpu;
        if (e == null) {
            synchronized (Dnnl.class) {
                if (cpu == null) {
                    cpu = load();
                }
                e = cpu;
            }
        }
        return e;
    }

    /** The calling thread's stream (CPU streams execute synchronously once waited on). */
    static stream stream() {
        return STREAMS.get();
    }

    /** oneDNN's name for the instruction set it uses on this CPU, e.g. avx512_core_bf16. */
    static String cpuIsa() {
        engine();
        return dnnl.get_effective_cpu_isa().toString(); // JavaCPP's enums from native code name themselves only in toString
    }

    /** JavaCPP's name of the running platform, e.g. linux-x86_64. */
    static String platform() {
        return Loader.getPlatform();
    }

    private static engine load() {
        try {
            Loader.load(dnnl.class);
            return new engine(engine.kind.cpu, 0);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new AlbertException("reduced precision needs oneDNN's native library, which failed to load on "
                    + platform() + " (oneDNN natives exist for " + PLATFORMS + "; FP32 runs everywhere): " + e.getMessage(), e);
        }
    }
}
