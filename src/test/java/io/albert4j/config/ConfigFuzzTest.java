package io.albert4j.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.albert4j.AlbertException;

import java.nio.charset.StandardCharsets;

/** Fuzz target: arbitrary text as config.json is refused with an {@link AlbertException} or parsed. */
class ConfigFuzzTest {
    @FuzzTest(maxDuration = "3h", maxExecutions = 1_000_000)
    void configJson(byte[] data) {
        try {
            AlbertConfig.parse(new String(data, StandardCharsets.UTF_8), "config.json");
        } catch (AlbertException refused) {
            // a clear refusal
        }
    }
}
