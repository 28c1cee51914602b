package io.albert4j.hub;

import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.albert4j.hub.HubTestSupport.CONFIG;
import static io.albert4j.hub.HubTestSupport.REPO;
import static io.albert4j.hub.HubTestSupport.TOKEN;
import static io.albert4j.hub.HubTestSupport.WEIGHTS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resolution of Hub ids against a fake Hub on loopback, into a cache in a temporary directory. */
class HubModelResolverTest {
    @TempDir
    Path cache;
    FakeHub hub;
    Map<String, byte[]> files;
    String commit;

    @BeforeEach
    void startHub() {
        hub = new FakeHub();
        files = HubTestSupport.modelFiles();
        commit = hub.commit(REPO, "main", files);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private HubModelResolver resolver() {
        return new HubModelResolver(HubTestSupport.options(hub, cache));
    }

    private Path repoDir() {
        return cache.resolve("models--test-org--albert-tiny");
    }

    @Test
    void firstDownloadBuildsHuggingFaceCacheLayout() throws IOException {
        Path dir = resolver().resolve(REPO);

        assertEquals(repoDir().resolve("snapshots").resolve(commit), dir);
        assertEquals(commit, Files.readString(repoDir().resolve("refs/main")));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path pointer = dir.resolve(f.getKey());
            assertTrue(Files.isSymbolicLink(pointer), f.getKey() + " is a symlink");
            String etag = FakeHub.isLfs(f.getKey()) ? FakeHub.sha256(f.getValue()) : FakeHub.gitBlobId(f.getValue());
            assertEquals(Path.of("../../blobs/" + etag), Files.readSymbolicLink(pointer), f.getKey());
            assertArrayEquals(f.getValue(), Files.readAllBytes(pointer), f.getKey());
        }
        assertTrue(Files.isRegularFile(repoDir().resolve(".no_exist").resolve(commit).resolve("tokenizer.json")));
        try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
            assertEquals(files.size(), blobs.count(), "one blob per file, no leftovers");
        }
        assertEquals(0, hub.count(r -> r.path().endsWith("pytorch_model.bin") || r.path().endsWith(".index.json")),
                "safetensors present: no other weights asked for");
        assertTrue(hub.count(r -> r.server().equals("cdn")) >= 2, "LFS files come from the CDN host");
    }

    @Test
    void tokenGoesToTheEndpointOnlyNeverToTheCdnHost() {
        resolver().resolve(REPO);
        List<FakeHub.Request> requests = hub.requests();
        assertFalse(requests.isEmpty());
        for (FakeHub.Request r : requests) {
            if (r.server().equals("hub")) {
                assertEquals("Bearer " + TOKEN, r.authorization(), r.toString());
                assertTrue(r.host().startsWith("127.0.0.1:"), r.toString());
            } else {
                assertEquals(null, r.authorization(), "token leaked to " + r);
                assertTrue(r.host().startsWith("localhost:"), r.toString());
            }
        }
    }

    @Test
    void loadedModelEqualsTheFixtureDirectory() {
        Path dir = resolver().resolve(REPO);
        int[][] ids = {{2, 10975, 15, 51, 1952, 25, 10901, 3}};
        try (AlbertModel fromHub = AlbertModel.load(dir);
             AlbertModel fromDir = AlbertModel.load(HubTestSupport.fixtureDir());
             AlbertTokenizer hubTokenizer = AlbertTokenizer.load(dir);
             AlbertTokenizer dirTokenizer = AlbertTokenizer.load(HubTestSupport.fixtureDir())) {
            assertArrayEquals(fromDir.forward(AlbertInput.of(ids)).logits().toFloatVector(),
                    fromHub.forward(AlbertInput.of(ids)).logits().toFloatVector());
            String text = "Paris is the capital of France.";
            assertArrayEquals(dirTokenizer.encode(text).inputIds(), hubTokenizer.encode(text).inputIds());
        }
    }

    @Test
    void secondCallIsServedFromTheCache() {
        Path first = resolver().resolve(REPO);
        hub.clearRequests();

        assertEquals(first, resolver().resolve(REPO));
        assertEquals(List.of("HEAD"), hub.requests().stream().map(FakeHub.Request::method).toList(),
                "a branch costs one HEAD (to see a new commit), nothing is downloaded");

        hub.clearRequests();
        assertEquals(first, resolver().resolve(REPO + "@" + commit));
        assertEquals(first, new HubModelResolver(HubTestSupport.options(hub, cache).withOffline(true)).resolve(REPO));
        assertEquals(0, hub.requests().size(), "a cached commit hash, and offline mode, make no request");
    }

    @Test
    void newCommitOnMainDownloadsOnlyWhatChanged() throws IOException {
        Path first = resolver().resolve(REPO);
        Map<String, byte[]> changed = new HashMap<>(files);
        changed.put(CONFIG, (new String(files.get(CONFIG)).replace("}", ", \"note\": \"v2\"}")).getBytes());
        String second = hub.commit(REPO, "main", changed);
        hub.clearRequests();

        Path dir = resolver().resolve(REPO);

        assertEquals(repoDir().resolve("snapshots").resolve(second), dir);
        assertEquals(second, Files.readString(repoDir().resolve("refs/main")));
        assertArrayEquals(changed.get(CONFIG), Files.readAllBytes(dir.resolve(CONFIG)));
        assertArrayEquals(files.get(CONFIG), Files.readAllBytes(first.resolve(CONFIG)), "old snapshot kept");
        assertEquals(0, hub.count(r -> r.server().equals("cdn")), "unchanged LFS blobs are linked, not downloaded");
        assertEquals(1, hub.count(r -> r.method().equals("GET")), "only the changed config.json is downloaded");
    }

    @Test
    void pinnedRevisionsResolveToTheirCommit() throws IOException {
        hub.tag(REPO, "v1", commit);
        Map<String, byte[]> changed = new HashMap<>(files);
        changed.put(CONFIG, "{\"model_type\": \"albert\"}".getBytes());
        String second = hub.commit(REPO, "main", changed);

        Path tagged = resolver().resolve(REPO + "@v1");
        assertEquals(repoDir().resolve("snapshots").resolve(commit), tagged);
        assertEquals(commit, Files.readString(repoDir().resolve("refs/v1")));

        Path byOption = new HubModelResolver(HubTestSupport.options(hub, cache).withRevision(commit)).resolve(REPO);
        assertEquals(tagged, byOption);
        assertEquals(repoDir().resolve("snapshots").resolve(second), resolver().resolve(REPO));
        assertTrue(hub.requests().stream().anyMatch(r -> r.path().contains("/resolve/" + commit + "/")),
                "files are fetched at the commit the tag pointed to");
    }

    @Test
    void resumesAfterDroppedConnection() throws IOException {
        hub.dropConnections(700_000, 1);

        Path dir = resolver().resolve(REPO);

        assertArrayEquals(files.get(WEIGHTS), Files.readAllBytes(dir.resolve(WEIGHTS)));
        String sha = FakeHub.sha256(files.get(WEIGHTS));
        List<FakeHub.Request> gets = hub.requests().stream()
                .filter(r -> r.server().equals("cdn") && r.path().endsWith(sha)).toList();
        assertEquals(2, gets.size(), "one dropped GET, one resumed: " + gets);
        assertEquals(null, gets.get(0).range());
        assertTrue(gets.get(1).range() != null && gets.get(1).range().matches("bytes=[1-9]\\d*-"), gets.get(1).toString());
    }

    @Test
    void stalledDownloadIsCutAndResumed() throws IOException {
        hub.stallConnections(600_000, 20_000, 1);
        long start = System.nanoTime();

        Path dir = new HubModelResolver(HubTestSupport.options(hub, cache).withStallMillis(300)).resolve(REPO);

        assertTrue(System.nanoTime() - start < 15_000_000_000L, "not waiting for the 20 s stall");
        assertArrayEquals(files.get(WEIGHTS), Files.readAllBytes(dir.resolve(WEIGHTS)));
        String sha = FakeHub.sha256(files.get(WEIGHTS));
        List<FakeHub.Request> gets = hub.requests().stream()
                .filter(r -> r.server().equals("cdn") && r.path().endsWith(sha)).toList();
        assertEquals(2, gets.size(), gets.toString());
        assertTrue(gets.get(1).range() != null && gets.get(1).range().matches("bytes=[1-9]\\d*-"), gets.get(1).toString());
    }

    @Test
    void resumesAnIncompleteFileLeftByAnEarlierRun() throws IOException {
        byte[] weights = files.get(WEIGHTS);
        String sha = FakeHub.sha256(weights);
        Path incomplete = repoDir().resolve("blobs").resolve(sha + ".incomplete");
        Files.createDirectories(incomplete.getParent());
        Files.write(incomplete, java.util.Arrays.copyOf(weights, 123_456));

        Path dir = resolver().resolve(REPO);

        assertArrayEquals(weights, Files.readAllBytes(dir.resolve(WEIGHTS)));
        assertFalse(Files.exists(incomplete));
        assertEquals(List.of("bytes=123456-"), hub.requests().stream()
                .filter(r -> r.server().equals("cdn") && r.path().endsWith(sha)).map(FakeHub.Request::range).toList());
    }

    @Test
    void corruptDownloadIsRejectedBySha256AndLeavesNothingBehind() throws IOException {
        String sha = FakeHub.sha256(files.get(WEIGHTS));
        hub.corrupt(sha);

        AlbertException e = assertThrows(AlbertException.class, () -> resolver().resolve(REPO));

        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("sha256"), e.getMessage());
        assertFalse(Files.exists(repoDir().resolve("blobs").resolve(sha)));
        assertFalse(Files.exists(repoDir().resolve("blobs").resolve(sha + ".incomplete")));
        assertFalse(Files.exists(repoDir().resolve("snapshots").resolve(commit).resolve(WEIGHTS)));

        hub.corrupt(null);
        Path dir = resolver().resolve(REPO);
        assertArrayEquals(files.get(WEIGHTS), Files.readAllBytes(dir.resolve(WEIGHTS)));
    }

    @Test
    void gatedRepoWithoutTokenSaysHowToLogIn() {
        hub.gate(REPO, "hf_granted");
        HubOptions noToken = HubTestSupport.options(hub, cache).withToken(null);

        AlbertException e = assertThrows(AlbertException.class, () -> new HubModelResolver(noToken).resolve(REPO));
        assertTrue(e.getMessage().contains("gated") && e.getMessage().contains("HF_TOKEN")
                && e.getMessage().contains("no token was sent"), e.getMessage());

        AlbertException wrong = assertThrows(AlbertException.class, () -> resolver().resolve(REPO));
        assertTrue(wrong.getMessage().contains("403") && wrong.getMessage().contains("not accepted"), wrong.getMessage());

        Path dir = new HubModelResolver(noToken.withToken("hf_granted")).resolve(REPO);
        assertTrue(Files.isRegularFile(dir.resolve(WEIGHTS)));
        assertFalse(Files.exists(repoDir().resolve("snapshots").resolve(commit).resolve("x")));
    }

    @Test
    void notFoundErrorsSayWhatIsMissing() {
        AlbertException repo = assertThrows(AlbertException.class, () -> resolver().resolve("test-org/nope"));
        assertTrue(repo.getMessage().contains("no model test-org/nope"), repo.getMessage());

        AlbertException revision = assertThrows(AlbertException.class, () -> resolver().resolve(REPO + "@v9"));
        assertTrue(revision.getMessage().contains("has no revision \"v9\""), revision.getMessage());

        hub.commit("test-org/no-config", "main", Map.of(WEIGHTS, files.get(WEIGHTS)));
        AlbertException config = assertThrows(AlbertException.class, () -> resolver().resolve("test-org/no-config"));
        assertTrue(config.getMessage().contains("has no config.json"), config.getMessage());

        hub.commit("test-org/no-weights", "main", Map.of(CONFIG, files.get(CONFIG)));
        AlbertException weights = assertThrows(AlbertException.class, () -> resolver().resolve("test-org/no-weights"));
        assertTrue(weights.getMessage().contains("has no model weights"), weights.getMessage());
    }

    @Test
    void rateLimitsAndServerErrorsAreRetriedWithBoundedBackOff() {
        hub.failNext(429, 2);
        assertTrue(Files.isDirectory(resolver().resolve(REPO)));
        assertEquals(3, hub.count(r -> r.method().equals("HEAD") && r.path().endsWith("/" + CONFIG)),
                "two 429s, then the answer: " + hub.requests());

        hub.clearRequests();
        hub.failNext(500, 1000);
        HubOptions twoRetries = HubTestSupport.options(hub, cache).withMaxRetries(2);
        AlbertException e = assertThrows(AlbertException.class,
                () -> new HubModelResolver(twoRetries).resolve(REPO + "@" + "other"));
        assertTrue(e.getMessage().contains("500"), e.getMessage());
        assertEquals(3, hub.requests().size(), "first try and 2 retries");
    }

    @Test
    void unreachableOrFailingHubFallsBackToTheCachedSnapshot() {
        Path dir = resolver().resolve(REPO);
        hub.failNext(500, 1000);
        assertEquals(dir, resolver().resolve(REPO));
        hub.close();
        assertEquals(dir, resolver().resolve(REPO));
    }

    @Test
    void failingHubIsRetriedWhenTheCacheCannotAnswer() throws IOException {
        Path dir = resolver().resolve(REPO);
        Files.delete(dir.resolve(WEIGHTS));
        hub.failNext(503, 2);
        hub.clearRequests();

        assertEquals(dir, resolver().resolve(REPO));

        assertTrue(Files.isRegularFile(dir.resolve(WEIGHTS)));
        assertEquals(3, hub.count(r -> r.method().equals("HEAD") && r.path().endsWith("/main/" + CONFIG)),
                "two 503s retried, since the cached snapshot lacks its weights");
    }

    @Test
    void offlineModeUsesOnlyTheCacheAndListsWhatIsMissing() {
        HubOptions offline = HubTestSupport.options(hub, cache).withOffline(true);
        AlbertException none = assertThrows(AlbertException.class, () -> new HubModelResolver(offline).resolve(REPO));
        assertTrue(none.getMessage().contains("offline") && none.getMessage().contains("no revision \"main\""),
                none.getMessage());

        Path dir = resolver().resolve(REPO);
        hub.clearRequests();
        assertEquals(dir, new HubModelResolver(offline).resolve(REPO));

        dir.resolve(WEIGHTS).toFile().delete();
        AlbertException missing = assertThrows(AlbertException.class, () -> new HubModelResolver(offline).resolve(REPO));
        assertTrue(missing.getMessage().contains("lacks model.safetensors, model.safetensors.index.json, pytorch_model.bin,"
                + " pytorch_model.bin.index.json (the weights"), missing.getMessage());
        assertEquals(0, hub.requests().size(), "offline mode makes no request");
    }

    @Test
    void pytorchWeightsOnlyWhenThereIsNoSafetensors() throws IOException {
        Path qa = Fixtures.modelDir("albert-tiny-qa");
        Map<String, byte[]> bin = FakeHub.filesOf(qa, CONFIG, "pytorch_model.bin", "spiece.model");
        String binCommit = hub.commit("test-org/bin-only", "main", bin);
        Path dir = resolver().resolve("test-org/bin-only");
        assertTrue(Files.isRegularFile(dir.resolve("pytorch_model.bin")));
        Path noExist = cache.resolve("models--test-org--bin-only/.no_exist").resolve(binCommit);
        assertTrue(Files.isRegularFile(noExist.resolve(WEIGHTS)));
        assertTrue(Files.isRegularFile(noExist.resolve("model.safetensors.index.json")));

        Map<String, byte[]> both = FakeHub.filesOf(qa, CONFIG, WEIGHTS, "pytorch_model.bin");
        Path bothDir = resolver().resolve(hub.commit("test-org/both", "main", both).isEmpty() ? "" : "test-org/both");
        assertTrue(Files.isRegularFile(bothDir.resolve(WEIGHTS)));
        assertFalse(Files.exists(bothDir.resolve("pytorch_model.bin")), "never both formats");
        assertEquals(0, hub.count(r -> r.path().startsWith("/test-org/both/") && r.path().endsWith("pytorch_model.bin")));
    }

    @Test
    void shardedSafetensorsFetchesTheIndexAndEveryShard() {
        byte[] shard = files.get(WEIGHTS);
        String index = "{\"metadata\": {}, \"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\","
                + " \"b\": \"model-00002-of-00002.safetensors\", \"c\": \"model-00001-of-00002.safetensors\"}}";
        hub.commit("test-org/sharded", "main", Map.of(CONFIG, files.get(CONFIG),
                "model.safetensors.index.json", index.getBytes(), "model-00001-of-00002.safetensors", shard,
                "model-00002-of-00002.safetensors", shard));
        Path dir = resolver().resolve("test-org/sharded");
        assertTrue(Files.isRegularFile(dir.resolve("model-00001-of-00002.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("model-00002-of-00002.safetensors")));
        assertEquals(1, hub.count(r -> r.server().equals("cdn")), "two shards with one content: one blob download");

        hub.commit("test-org/evil", "main", Map.of(CONFIG, files.get(CONFIG), "model.safetensors.index.json",
                "{\"weight_map\": {\"a\": \"../../../../etc/passwd\"}}".getBytes()));
        AlbertException e = assertThrows(AlbertException.class, () -> resolver().resolve("test-org/evil"));
        assertTrue(e.getMessage().contains("must name a shard file"), e.getMessage());
    }

    @Test
    void existingPathsNeverTouchTheNetworkAndBadIdsAreRejected() {
        Path fixture = HubTestSupport.fixtureDir();
        assertEquals(fixture, resolver().resolve(fixture.toString()));
        for (String bad : List.of("../escape", "a/b/c", "org/-name", "org--x/name", "name@../x", "/no/such/dir", "")) {
            AlbertException e = assertThrows(AlbertException.class, () -> resolver().resolve(bad), bad);
            assertTrue(e.getMessage().contains("not a Hub model id"), e.getMessage());
        }
        assertEquals(0, hub.requests().size());
    }

    @Test
    void threadsDownloadingTheSameModelShareOneDownload() throws Exception {
        hub.throttle(5);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> resolver().resolve(REPO)));
            }
            for (Future<Path> f : results) {
                assertEquals(repoDir().resolve("snapshots").resolve(commit), f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        String sha = FakeHub.sha256(files.get(WEIGHTS));
        assertEquals(1, hub.count(r -> r.server().equals("cdn") && r.path().endsWith(sha)), "one download of the weights");
        assertArrayEquals(files.get(WEIGHTS), Files.readAllBytes(repoDir().resolve("snapshots").resolve(commit).resolve(WEIGHTS)));
    }

    @Test
    void twoProcessesDownloadingTheSameModelShareOneDownload() throws Exception {
        hub.throttle(60);
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                HubDownloadMain.class.getName(), hub.endpoint(), cache.toString(), REPO)
                .redirectErrorStream(true).start();
        try {
            String sha = FakeHub.sha256(files.get(WEIGHTS));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (hub.count(r -> r.server().equals("cdn") && r.path().endsWith(sha)) == 0 && child.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Path mine = resolver().resolve(REPO);
            String out = new String(child.getInputStream().readAllBytes()).trim();
            assertEquals(0, child.waitFor(), out);
            assertTrue(out.endsWith(mine.toString()), out);
            assertEquals(1, hub.count(r -> r.server().equals("cdn") && r.path().endsWith(sha)),
                    "the second process waited for the first one's blob");
            assertArrayEquals(files.get(WEIGHTS), Files.readAllBytes(mine.resolve(WEIGHTS)));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void environmentIsReadAsHuggingfaceHubReadsIt(@TempDir Path home) throws IOException {
        HubOptions defaults = HubOptions.fromEnvironment(Map.of(), home);
        assertEquals(home.resolve(".cache/huggingface/hub"), defaults.cacheDir());
        assertEquals("https://huggingface.co", defaults.endpoint().toString());
        assertFalse(defaults.hasToken());
        assertFalse(defaults.offline());

        Files.createDirectories(home.resolve("hf"));
        Files.writeString(home.resolve("hf/token"), "hf_fromfile\n");
        HubOptions hfHome = HubOptions.fromEnvironment(Map.of("HF_HOME", home.resolve("hf").toString(),
                "HF_HUB_OFFLINE", "1", "HF_ENDPOINT", "https://mirror.example/"), home);
        assertEquals(home.resolve("hf/hub"), hfHome.cacheDir());
        assertEquals("hf_fromfile", hfHome.token());
        assertTrue(hfHome.offline());
        assertEquals("https://mirror.example", hfHome.endpoint().toString());
        assertFalse(hfHome.toString().contains("hf_fromfile"), "toString hides the token");

        HubOptions explicit = HubOptions.fromEnvironment(Map.of("HF_HOME", home.resolve("hf").toString(),
                "HF_HUB_CACHE", home.resolve("c").toString(), "HF_TOKEN", " hf_env ", "HF_HUB_OFFLINE", "0"), home);
        assertEquals(home.resolve("c"), explicit.cacheDir());
        AlbertException badEndpoint = assertThrows(AlbertException.class,
                () -> HubOptions.fromEnvironment(Map.of("HF_ENDPOINT", "huggingface.co"), home));
        assertTrue(badEndpoint.getMessage().contains("HF_ENDPOINT"), badEndpoint.getMessage());
        assertEquals("hf_env", explicit.token());
        assertFalse(explicit.offline());
    }
}
