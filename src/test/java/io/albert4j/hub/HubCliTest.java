package io.albert4j.hub;

import io.albert4j.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.albert4j.hub.HubTestSupport.REPO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --model ORG/NAME} on the command line, in a child JVM whose environment points
 * {@code HF_ENDPOINT} at a fake Hub and {@code HF_HUB_CACHE} at a temporary cache.
 */
class HubCliTest {
    private static final String TEXT = "a delightful little film";

    @TempDir
    Path cache;
    FakeHub hub;

    @BeforeEach
    void startHub() {
        hub = new FakeHub();
        hub.commit(REPO, "main", HubTestSupport.modelFiles());
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void modelIdIsDownloadedWithProgressOnStderrAndAnswersAsTheDirectory() throws Exception {
        Result byId = cli(Map.of("HF_ENDPOINT", hub.endpoint()), "classify", "--model", REPO, TEXT);
        Result byDir = inProcess("classify", "--model", HubTestSupport.fixtureDir().toString(), TEXT);

        assertEquals(0, byId.code, byId.err);
        assertEquals(byDir.out, byId.out);
        assertTrue(byId.err.contains("downloading " + REPO + " model.safetensors") && byId.err.contains("100%"), byId.err);
        assertTrue(hub.count(r -> r.server().equals("cdn")) > 0);
    }

    @Test
    void offlineWithoutTheModelCachedSaysWhatIsMissing() throws Exception {
        Result r = cli(Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HUB_OFFLINE", "1"), "classify", "--model", REPO, TEXT);

        assertEquals(2, r.code, r.err);
        assertTrue(r.err.contains("offline mode is on") && r.err.contains("no revision \"main\" of " + REPO), r.err);
        assertEquals(0, hub.requests().size());
    }

    private record Result(int code, String out, String err) {
    }

    private Result cli(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING"));
        pb.environment().put("HF_HUB_CACHE", cache.toString());
        pb.environment().put("HF_HOME", cache.resolve("home").toString());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().putAll(env);
        pb.redirectError(cache.resolve("stderr.txt").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        return new Result(code, out, java.nio.file.Files.readString(cache.resolve("stderr.txt")));
    }

    private static Result inProcess(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
