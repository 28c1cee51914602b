package io.albert4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.albert4j.Fixtures;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.albert4j.hub.HubTestSupport.REPO;
import static io.albert4j.hub.HubTestSupport.WEIGHTS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One cache, two languages: Python's huggingface_hub (from the venv {@code target/hfvenv}, which
 * {@code .ci/run} creates) finds offline what Java downloaded, and Java loads offline what Python
 * downloaded, from the same fake Hub. Runs when the venv exists (the {@code hub-interop} Maven
 * profile); a venv without huggingface_hub fails.
 */
class HubPythonInteropTest {
    private static final Path PYTHON = Path.of("target", "hfvenv", "bin", "python").toAbsolutePath();
    private static final List<String> MODEL_FILES = List.of("config.json", WEIGHTS, "spiece.model",
            "tokenizer_config.json", "special_tokens_map.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path cache;
    FakeHub hub;
    Map<String, byte[]> files;
    String commit;

    @BeforeEach
    void startHub() {
        assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing: python3 -m venv target/hfvenv && "
                + "target/hfvenv/bin/pip install huggingface_hub");
        hub = new FakeHub();
        files = HubTestSupport.modelFiles();
        commit = hub.commit(REPO, "main", files);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void pythonFindsOfflineEveryFileJavaDownloaded() throws Exception {
        Path dir = new HubModelResolver(HubTestSupport.options(hub, cache)).resolve(REPO);

        List<String> asked = new ArrayList<>(MODEL_FILES);
        asked.add("tokenizer.json");
        JsonNode result = python(Map.of("HF_HUB_OFFLINE", "1"), "check", asked);

        for (String name : MODEL_FILES) {
            JsonNode f = result.get("files").get(name);
            assertTrue(f.isObject(), name + " not found by try_to_load_from_cache: " + result);
            assertEquals(dir.resolve(name).toString(), f.get("path").asText(), name);
            assertEquals(dir.resolve(name).toRealPath().toString(), f.get("real").asText(), name);
            assertEquals(files.get(name).length, f.get("size").asLong(), name);
        }
        assertEquals("no_exist", result.get("files").get("tokenizer.json").asText(), "the .no_exist marker is read");
        assertEquals(0, result.get("warnings").size(), "scan_cache_dir warnings: " + result.get("warnings"));
        JsonNode repo = result.get("repos").get(0);
        assertEquals(REPO, repo.get("repo_id").asText());
        assertEquals(commit, repo.get("refs").get("main").asText());
        assertEquals(1, repo.get("revisions").size());
        JsonNode revision = repo.get("revisions").get(0);
        assertEquals(commit, revision.get("commit").asText());
        assertEquals(new TreeSet<>(MODEL_FILES).toString(), names(revision.get("files")).toString());
    }

    @Test
    void javaLoadsOfflineWhatPythonDownloaded() throws Exception {
        List<String> asked = new ArrayList<>(MODEL_FILES);
        asked.add("tokenizer.json");
        JsonNode result = python(Map.of("HF_ENDPOINT", hub.endpoint()), "download", asked);
        assertEquals("missing", result.get("files").get("tokenizer.json").asText());
        hub.clearRequests();

        Path dir = new HubModelResolver(HubTestSupport.options(hub, cache).withOffline(true)).resolve(REPO);

        assertEquals(cache.resolve("models--test-org--albert-tiny/snapshots").resolve(commit), dir);
        for (String name : MODEL_FILES) {
            assertEquals(dir.resolve(name).toString(), result.get("files").get(name).asText(), name);
        }
        int[][] ids = {{2, 10975, 15, 51, 1952, 25, 10901, 3}};
        try (AlbertModel fromPython = AlbertModel.load(dir);
             AlbertModel fromFixture = AlbertModel.load(HubTestSupport.fixtureDir());
             AlbertTokenizer tokenizer = AlbertTokenizer.load(dir)) {
            assertArrayEquals(fromFixture.forward(AlbertInput.of(ids)).logits().toFloatVector(),
                    fromPython.forward(AlbertInput.of(ids)).logits().toFloatVector());
            assertArrayEquals(AlbertTokenizer.load(Fixtures.tokenizerDir()).encode("Hello there").inputIds(),
                    tokenizer.encode("Hello there").inputIds());
        }
        assertEquals(0, hub.requests().size(), "offline: no request");

        hub.clearRequests();
        assertEquals(dir, new HubModelResolver(HubTestSupport.options(hub, cache)).resolve(REPO));
        assertEquals(1, hub.requests().size(), "online, Python's cache is complete: one HEAD, no download");
    }

    @Test
    void javaAndPythonDownloadingAtOnceLeaveOneVerifiedCache() throws Exception {
        hub.throttle(40);
        String sha = FakeHub.sha256(files.get(WEIGHTS));
        Process python = pythonProcess(Map.of("HF_ENDPOINT", hub.endpoint()), "download", MODEL_FILES);
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (hub.count(r -> r.server().equals("cdn") && r.path().endsWith(sha)) == 0 && python.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Path dir = new HubModelResolver(HubTestSupport.options(hub, cache)).resolve(REPO);
            String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, python.waitFor(), err);
            for (String name : MODEL_FILES) {
                assertArrayEquals(files.get(name), Files.readAllBytes(dir.resolve(name)), name);
            }
            try (var blobs = Files.list(dir.getParent().getParent().resolve("blobs"))) {
                assertEquals(MODEL_FILES.size(), blobs.count(), "one verified blob per file, no partial file left");
            }
        } finally {
            python.destroyForcibly();
        }
    }

    private JsonNode python(Map<String, String> env, String mode, List<String> names) throws Exception {
        Process p = pythonProcess(env, mode, names);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "python " + mode + " failed:\n" + err);
        return JSON.readTree(out);
    }

    private Process pythonProcess(Map<String, String> env, String mode, List<String> names) throws Exception {
        Path script = Path.of(HubPythonInteropTest.class.getResource("/hub/hf_cache.py").toURI());
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), mode, REPO));
        command.addAll(names);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING"));
        pb.environment().put("HF_HUB_CACHE", cache.toString());
        pb.environment().put("HF_HOME", cache.resolve("hf-home").toString());
        pb.environment().put("HF_HUB_DISABLE_TELEMETRY", "1");
        pb.environment().put("HF_TOKEN", HubTestSupport.TOKEN);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static TreeSet<String> names(JsonNode array) {
        TreeSet<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
