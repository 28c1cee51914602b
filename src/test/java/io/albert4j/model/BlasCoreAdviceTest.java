package io.albert4j.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasCoreAdviceTest {
    private static String cpuinfo(String vendor, int family, String flags) {
        return "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: " + family + "\nmodel\t\t: 2\n"
                + "model name\t: AMD EPYC\nflags\t\t: fpu sse sse2 " + flags + "\n\nprocessor\t: 1\n";
    }

    @Test
    void zen5WithoutCoreTypeIsToldTheAvx512Setting() {
        String advice = BlasCoreAdvice.advice(null, cpuinfo("AuthenticAMD", 26, "avx avx2 fma avx512f avx512bw"))
                .orElseThrow();
        assertTrue(advice.contains("OPENBLAS_CORETYPE=SkylakeX"), advice);
        assertTrue(advice.contains("family 26"), advice);
    }

    @Test
    void unknownAmdWithAvx2OnlyIsToldHaswell() {
        String advice = BlasCoreAdvice.advice("", cpuinfo("AuthenticAMD", 27, "avx avx2 fma")).orElseThrow();
        assertTrue(advice.contains("OPENBLAS_CORETYPE=Haswell"), advice);
    }

    @Test
    void nothingWhenSetOrKnownOrUnreadable() {
        String zen5 = cpuinfo("AuthenticAMD", 26, "avx2 avx512f");
        assertEquals(java.util.Optional.empty(), BlasCoreAdvice.advice("Haswell", zen5), "user chose");
        assertEquals(java.util.Optional.empty(), BlasCoreAdvice.advice(null,
                cpuinfo("AuthenticAMD", 25, "avx2 avx512f")), "Zen 3/4: OpenBLAS 0.3.19 runs its Zen kernels");
        assertEquals(java.util.Optional.empty(), BlasCoreAdvice.advice(null,
                cpuinfo("GenuineIntel", 6, "avx2 avx512f")), "Intel");
        assertEquals(java.util.Optional.empty(), BlasCoreAdvice.advice(null, ""), "no /proc/cpuinfo");
        assertEquals(java.util.Optional.empty(), BlasCoreAdvice.advice(null,
                "vendor_id : AuthenticAMD\ncpu family : x\n"), "malformed family");
        assertEquals(java.util.Optional.empty(), BlasCoreAdvice.advice(null,
                cpuinfo("AuthenticAMD", 26, "sse3")), "no AVX2: nothing better to suggest");
    }
}
