package io.albert4j.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A Hugging Face Hub on loopback that answers {@code /resolve/} as the real one does: {@code ETag}
 * (git blob id) and {@code X-Repo-Commit} for plain files; for LFS files (.safetensors, .bin, .model)
 * a 302 to a CDN on a second host name ({@code localhost} instead of {@code 127.0.0.1}, another port)
 * with {@code X-Linked-Etag} (sha256) and {@code X-Linked-Size}; {@code Range}; {@code X-Error-Code}
 * 401/404 answers; and injected faults: 429/500 answers, a connection dropped mid-file, corrupt bytes,
 * slow bodies. Every request is recorded with its host, Authorization and Range headers.
 */
final class FakeHub implements AutoCloseable {
    /** One request as the server saw it. */
    record Request(String server, String method, String host, String path, String authorization, String range) {
    }

    private static final class Repo {
        final Map<String, String> refs = new ConcurrentHashMap<>();
        final Map<String, Map<String, byte[]>> commits = new ConcurrentHashMap<>();
        volatile String gatedToken;
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> lfsBlobs = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger commitCounter = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus;
    private final AtomicInteger dropsLeft = new AtomicInteger();
    private volatile long dropAfterBytes;
    private volatile String corruptSha;
    private volatile long stallMillis;
    private final AtomicLong throttleMillisPerChunk = new AtomicLong();

    FakeHub() {
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
            cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.setExecutor(Executors.newCachedThreadPool(daemon()));
        cdn.setExecutor(Executors.newCachedThreadPool(daemon()));
        hub.start();
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    /** Commits {@code files} on {@code branch} (created if needed) and returns the commit hash. */
    String commit(String repoId, String branch, Map<String, byte[]> files) {
        Repo repo = repos.computeIfAbsent(repoId, k -> new Repo());
        String commit = sha1(("commit " + commitCounter.incrementAndGet() + repoId).getBytes(StandardCharsets.UTF_8));
        repo.commits.put(commit, Map.copyOf(files));
        repo.refs.put(branch, commit);
        files.forEach((name, bytes) -> {
            if (isLfs(name)) {
                lfsBlobs.put(sha256(bytes), bytes);
            }
        });
        return commit;
    }

    void tag(String repoId, String tag, String commit) {
        repos.get(repoId).refs.put(tag, commit);
    }

    /** Makes the repo gated: only {@code Bearer token} may read it. */
    void gate(String repoId, String token) {
        repos.get(repoId).gatedToken = token;
    }

    /** The next {@code times} requests to the hub host are answered {@code status}. */
    void failNext(int status, int times) {
        failureStatus = status;
        failuresLeft.set(times);
    }

    /** The next {@code times} CDN downloads stop after {@code bytes} bytes with the connection closed. */
    void dropConnections(long bytes, int times) {
        dropAfterBytes = bytes;
        dropsLeft.set(times);
    }

    /** The next {@code times} CDN downloads pause for {@code millis} after {@code bytes} bytes. */
    void stallConnections(long bytes, long millis, int times) {
        stallMillis = millis;
        dropConnections(bytes, times);
    }

    /** The CDN serves the blob with this sha256 with one byte changed. */
    void corrupt(String sha256) {
        corruptSha = sha256;
    }

    void throttle(long millisPerChunk) {
        throttleMillisPerChunk.set(millisPerChunk);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    long count(Predicate<Request> which) {
        return requests.stream().filter(which).count();
    }

    void clearRequests() {
        requests.clear();
    }

    /** The files of a checkpoint directory, by name. */
    static Map<String, byte[]> filesOf(Path dir, String... names) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try {
            for (String name : names) {
                files.put(name, Files.readAllBytes(dir.resolve(name)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static boolean isLfs(String file) {
        return file.endsWith(".safetensors") || file.endsWith(".bin") || file.endsWith(".model");
    }

    private void handleHub(HttpExchange ex) throws IOException {
        try (ex) {
            record(ex, "hub");
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                respond(ex, failureStatus, Map.of());
                return;
            }
            String raw = ex.getRequestURI().getRawPath();
            int resolve = raw.indexOf("/resolve/");
            if (resolve < 0) {
                respond(ex, 404, Map.of());
                return;
            }
            String repoId = raw.substring(1, resolve);
            String rest = raw.substring(resolve + "/resolve/".length());
            int slash = rest.indexOf('/');
            String revision = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
            String file = URLDecoder.decode(rest.substring(slash + 1), StandardCharsets.UTF_8);
            Repo repo = repos.get(repoId);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (repo == null) {
                respond(ex, auth == null ? 401 : 404, Map.of("X-Error-Code", "RepoNotFound",
                        "X-Error-Message", "Repository not found"));
                return;
            }
            if (repo.gatedToken != null && !("Bearer " + repo.gatedToken).equals(auth)) {
                respond(ex, auth == null ? 401 : 403, Map.of("X-Error-Code", "GatedRepo", "X-Error-Message",
                        "Access to model " + repoId + " is restricted. You must have access to it and be authenticated"
                                + " to access it. Please log in."));
                return;
            }
            String commit = repo.commits.containsKey(revision) ? revision : repo.refs.get(revision);
            if (commit == null) {
                respond(ex, 404, Map.of("X-Error-Code", "RevisionNotFound", "X-Error-Message", "Invalid rev id"));
                return;
            }
            byte[] bytes = repo.commits.get(commit).get(file);
            if (bytes == null) {
                respond(ex, 404, Map.of("X-Error-Code", "EntryNotFound", "X-Error-Message", "Entry not found",
                        "X-Repo-Commit", commit));
                return;
            }
            if (isLfs(file)) {
                String sha = sha256(bytes);
                respond(ex, 302, Map.of("X-Repo-Commit", commit, "X-Linked-Etag", "\"" + sha + "\"",
                        "X-Linked-Size", Long.toString(bytes.length), "ETag", "\"" + gitBlobId(sha.getBytes()) + "\"",
                        "Location", "http://localhost:" + cdn.getAddress().getPort() + "/cdn/" + sha + "?X-Amz-Signature=x"));
                return;
            }
            serveBytes(ex, bytes, Map.of("X-Repo-Commit", commit, "ETag", "\"" + gitBlobId(bytes) + "\""), false);
        }
    }

    private void handleCdn(HttpExchange ex) throws IOException {
        try (ex) {
            record(ex, "cdn");
            String path = ex.getRequestURI().getPath();
            String sha = path.startsWith("/cdn/") ? path.substring(5) : "";
            byte[] bytes = lfsBlobs.get(sha);
            if (bytes == null) {
                respond(ex, 404, Map.of());
                return;
            }
            if (sha.equals(corruptSha)) {
                bytes = bytes.clone();
                bytes[bytes.length / 2] ^= 1;
            }
            serveBytes(ex, bytes, Map.of("ETag", "\"" + sha + "\""), dropsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
        }
    }

    /** 200, or 206 for {@code Range: bytes=N-}; with {@code drop}, closes the connection midway. */
    private void serveBytes(HttpExchange ex, byte[] bytes, Map<String, String> headers, boolean drop) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        int status = 200;
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Accept-Ranges", "bytes");
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            if (from >= bytes.length) {
                respond(ex, 416, Map.of("Content-Range", "bytes */" + bytes.length));
                return;
            }
            status = 206;
            all.put("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        all.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        int length = bytes.length - from;
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        int end = drop ? from + (int) Math.min(dropAfterBytes, length) : bytes.length;
        write(out, bytes, from, end);
        if (drop && stallMillis > 0) {
            sleep(stallMillis);
            write(out, bytes, end, bytes.length);
        }
        // With drop, the exchange closes with bytes missing: the JDK server then closes the connection.
    }

    private void write(OutputStream out, byte[] bytes, int from, int end) throws IOException {
        for (int pos = from; pos < end; pos += 1 << 16) {
            out.write(bytes, pos, Math.min(1 << 16, end - pos));
            out.flush();
            sleep(throttleMillisPerChunk.get());
        }
    }

    private static void respond(HttpExchange ex, int status, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, -1);
    }

    private void record(HttpExchange ex, String server) {
        requests.add(new Request(server, ex.getRequestMethod(), ex.getRequestHeaders().getFirst("Host"),
                ex.getRequestURI().getRawPath(), ex.getRequestHeaders().getFirst("Authorization"),
                ex.getRequestHeaders().getFirst("Range")));
    }

    static String sha256(byte[] bytes) {
        return hex("SHA-256", bytes);
    }

    static String gitBlobId(byte[] bytes) {
        byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + bytes.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(bytes, 0, all, header.length, bytes.length);
        return sha1(all);
    }

    private static String sha1(byte[] bytes) {
        return hex("SHA-1", bytes);
    }

    private static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "fake-hub");
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
