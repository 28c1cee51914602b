package io.albert4j.model;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Warns, once per JVM, when the OpenBLAS that ND4J 1.0.0-M2.1 bundles (0.3.19) cannot recognise the
 * CPU: it then falls back to generic SSE kernels ("Barcelona"), whose matrix products, nearly all of
 * a forward pass, took 2.6× the CPU time of its AVX2 ("Haswell") kernels and 5× that of its AVX-512
 * ("SkylakeX") ones on an AMD Zen 5 (family 26; the README's "Matrix-product kernels"). OpenBLAS picks
 * its kernels from {@code OPENBLAS_CORETYPE} when the natives load, so albert4j cannot choose for
 * the user (and does not change the environment behind the user's back); the warning names the
 * setting. Nothing is logged when {@code OPENBLAS_CORETYPE} is set or the CPU is one 0.3.19 knows.
 * Thread-safe.
 */
final class BlasCoreAdvice {
    private static final Logger LOG = LoggerFactory.getLogger(BlasCoreAdvice.class);
    /** The first AMD family OpenBLAS 0.3.19 does not know (Zen 5); 25 (Zen 3/4) runs its Zen kernels. */
    private static final int FIRST_UNKNOWN_AMD_FAMILY = 26;
    private static final int CPUINFO_LIMIT = 1 << 16;
    private static volatile boolean checked;

    private BlasCoreAdvice() {
    }

    /** Logs the advice at WARN the first time it is called in this JVM, if there is any. */
    static void warnOnce() {
        if (checked) {
            return;
        }
        synchronized (BlasCoreAdvice.class) {
            if (!checked) {
                checked = true;
                advice(System.getenv("OPENBLAS_CORETYPE"), cpuinfo()).ifPresent(LOG::warn);
            }
        }
    }

    /**
     * The advice for this environment value of {@code OPENBLAS_CORETYPE} (null when unset) and this
     * text of /proc/cpuinfo (empty where there is none), if OpenBLAS 0.3.19 would fall back to
     * its generic kernels.
     */
    static Optional<String> advice(String coreType, String cpuinfo) {
        if (coreType != null && !coreType.isBlank()) {
            return Optional.empty();
        }
        if (!field(cpuinfo, "vendor_id").equals("AuthenticAMD")) {
            return Optional.empty();
        }
        int family;
        try {
            family = Integer.parseInt(field(cpuinfo, "cpu family"));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (family < FIRST_UNKNOWN_AMD_FAMILY) {
            return Optional.empty();
        }
        String flags = " " + field(cpuinfo, "flags") + " ";
        String core = flags.contains(" avx512f ") ? "SkylakeX" : flags.contains(" avx2 ") ? "Haswell" : null;
        if (core == null) {
            return Optional.empty();
        }
        return Optional.of("OpenBLAS 0.3.19 (bundled with ND4J 1.0.0-M2.1) does not recognise this AMD CPU"
                + " (family " + family + ") and runs its generic SSE kernels: matrix products, most of a"
                + " forward pass, are several times slower than they can be. Start the JVM with"
                + " OPENBLAS_CORETYPE=" + core + " in its environment (README, section \"Matrix-product kernels\").");
    }

    /** The value of the first "name : value" line of cpuinfo, or "" if there is none. */
    private static String field(String cpuinfo, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s*:\\s*(.*)$").matcher(cpuinfo);
        return m.find() ? m.group(1).trim() : "";
    }

    /** The start of /proc/cpuinfo (the first processor's lines), or "" off Linux or on any error. */
    private static String cpuinfo() {
        Path path = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(path)) {
            return "";
        }
        try (InputStream in = Files.newInputStream(path)) {
            return new String(in.readNBytes(CPUINFO_LIMIT), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
