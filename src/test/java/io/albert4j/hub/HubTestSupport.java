package io.albert4j.hub;

import io.albert4j.Fixtures;

import java.nio.file.Path;
import java.util.Map;

/** The tiny sequence-classification checkpoint as the files of a fake Hub repository. */
final class HubTestSupport {
    static final String REPO = "test-org/albert-tiny";
    static final String TOKEN = "hf_testtoken";
    static final String CONFIG = "config.json";
    static final String WEIGHTS = "model.safetensors";

    private HubTestSupport() {
    }

    static Path fixtureDir() {
        return Fixtures.modelDir("albert-tiny-seqcls");
    }

    /** config.json, model.safetensors, spiece.model, tokenizer_config.json, special_tokens_map.json. */
    static Map<String, byte[]> modelFiles() {
        return FakeHub.filesOf(fixtureDir(), CONFIG, WEIGHTS, "spiece.model", "tokenizer_config.json",
                "special_tokens_map.json");
    }

    /** Options for the fake Hub, with a token, a short back-off and the given cache. */
    static HubOptions options(FakeHub hub, Path cache) {
        return HubOptions.fromEnvironment(Map.of(), cache.resolve("home"))
                .withEndpoint(hub.endpoint()).withCacheDir(cache).withToken(TOKEN).withBackoffMillis(5);
    }
}
