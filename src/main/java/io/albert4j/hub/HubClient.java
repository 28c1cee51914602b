package io.albert4j.hub;

import io.albert4j.AlbertException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hub's file protocol, as huggingface_hub's {@code file_download.py} speaks it: a HEAD on
 * {@code {endpoint}/{repo}/resolve/{revision}/{file}} that follows only relative redirects (a renamed
 * repo) and reads the metadata of the first absolute one (the CDN of an LFS file), then a GET of that
 * location, resumed with {@code Range} after a dropped connection. The token goes only to the
 * endpoint's own scheme, host and port, never to a redirect target elsewhere. 408, 429 and 5xx
 * answers are retried with bounded exponential back-off.
 *
 * <p>Thread-safe: the JDK's HttpClient is, and this class keeps no other state.
 */
final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    static final String USER_AGENT = "albert4j/0.1";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** huggingface_hub's HF_HUB_ETAG_TIMEOUT. */
    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration GET_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_REDIRECTS = 10;
    private static final int MAX_BACKOFF_FACTOR = 8;
    private static final long MAX_RETRY_AFTER_SECONDS = 60;
    private static final int CHUNK = 1 << 16;
    private static final long PROGRESS_STEP = 1 << 18;
    /** Larger than any model file the Hub serves (its own limit for plain HTTP is 50 GB). */
    static final long MAX_FILE_SIZE = 1L << 40;
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SAFE_ETAG = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    /** One daemon thread for every client's stall watchdogs; each check is a comparison. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "albert4j-hub-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final HubOptions options;
    private final HttpClient http;

    HubClient(HubOptions options) {
        this.options = options;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{file}}, the revision quoted as one path segment. */
    URI resolveUrl(ModelId id, String revision, String file) {
        return URI.create(options.endpoint() + "/" + id.repoId() + "/resolve/" + quote(revision) + "/" + quote(file));
    }

    /**
     * The metadata of one file at a revision.
     *
     * @param retry whether to retry 408/429/5xx and network errors (false when the cache can answer instead)
     * @throws IOException      when the Hub cannot be reached
     * @throws HubHttpException for an error answer (after the retries), with a message saying what to do
     */
    FileMetadata head(ModelId id, String revision, String file, boolean retry) throws IOException {
        URI url = resolveUrl(id, revision, file);
        for (int redirects = 0; ; redirects++) {
            HttpResponse<Void> r = send(url, "HEAD", null, HEAD_TIMEOUT, retry, HttpResponse.BodyHandlers.discarding());
            int status = r.statusCode();
            if (status >= 400) {
                throw error(r, id, revision, file, retry);
            }
            boolean redirect = status >= 300;
            URI location = url;
            if (redirect) {
                URI from = url;
                String target = r.headers().firstValue("Location").orElseThrow(() ->
                        new AlbertException(from + " answered " + status + " without a Location header"));
                URI next = url.resolve(target);
                if (URI.create(target).getHost() == null && redirects < MAX_REDIRECTS) {
                    url = next; // a renamed repository: same host, ask again
                    continue;
                }
                location = next;
            }
            return metadata(r, location, redirect, id, revision, file);
        }
    }

    /**
     * Downloads {@code meta.location()} into {@code incomplete}, resuming from the bytes already there
     * and after dropped connections, until it holds {@code meta.size()} bytes.
     */
    void download(ModelId id, String file, FileMetadata meta, Path incomplete, DownloadListener listener)
            throws IOException {
        int failuresWithoutProgress = 0;
        while (true) {
            long before = sizeOf(incomplete);
            try {
                if (fetchInto(id, file, meta, incomplete, before, listener)) {
                    return;
                }
            } catch (IOException e) {
                long after = sizeOf(incomplete);
                failuresWithoutProgress = after > before ? 0 : failuresWithoutProgress + 1;
                if (failuresWithoutProgress > options.maxRetries()) {
                    throw new IOException("downloading " + file + " of " + id.repoId() + " from " + meta.location()
                            + " failed " + failuresWithoutProgress + " times without progress at " + after + " of "
                            + meta.size() + " bytes: " + e.getMessage(), e);
                }
                LOG.warn("download of {} ({} of {} bytes) interrupted: {}; resuming", file, after, meta.size(), e.toString());
                sleep(backoff(Math.max(1, failuresWithoutProgress)));
            }
        }
    }

    /** One GET from the current size on; true once the file is complete. */
    private boolean fetchInto(ModelId id, String file, FileMetadata meta, Path incomplete, long have,
                              DownloadListener listener) throws IOException {
        try (FileChannel out = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (have > meta.size()) {
                out.truncate(0);
                have = 0;
            }
            listener.onProgress(id.repoId(), file, have, meta.size());
            if (have == meta.size()) {
                return true;
            }
            HttpResponse<InputStream> r = get(meta.location(), have);
            try (InputStream body = r.body()) {
                int status = r.statusCode();
                if (status == 416 || status == 200 && have > 0) {
                    // The server ignored or refused our Range: start over rather than append twice.
                    out.truncate(0);
                    if (status == 416) {
                        return false;
                    }
                    have = 0;
                } else if (status == 206) {
                    checkContentRange(r, have, meta);
                } else if (status != 200) {
                    throw error(r, id, meta.commit(), file, true);
                }
                out.position(have);
                copy(body, out, id.repoId(), file, have, meta.size(), listener);
            }
            out.force(true);
            return true;
        }
    }

    /**
     * Copies the body to the file. A watchdog closes the body when nothing arrives for
     * {@link HubOptions#stallMillis()}, which ends the read like a dropped connection (then resumed).
     */
    private void copy(InputStream body, FileChannel out, String repoId, String file, long have, long size,
                      DownloadListener listener) throws IOException {
        AtomicLong lastRead = new AtomicLong(System.nanoTime());
        long stallNanos = options.stallMillis() * 1_000_000L;
        ScheduledFuture<?> watchdog = WATCHDOG.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - lastRead.get() > stallNanos) {
                closeQuietly(body);
            }
        }, options.stallMillis() / 4 + 1, options.stallMillis() / 4 + 1, TimeUnit.MILLISECONDS);
        try {
            copyWatched(body, out, repoId, file, have, size, listener, lastRead);
        } finally {
            watchdog.cancel(false);
        }
    }

    private void copyWatched(InputStream body, FileChannel out, String repoId, String file, long have, long size,
                             DownloadListener listener, AtomicLong lastRead) throws IOException {
        byte[] buffer = new byte[CHUNK];
        long reported = have;
        long written = have;
        for (int n; (n = body.read(buffer)) > 0; lastRead.set(System.nanoTime())) {
            if (written + n > size) {
                throw new AlbertException(file + " of " + repoId + ": the server sent more than the " + size
                        + " bytes it announced");
            }
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            written += n;
            if (written - reported >= PROGRESS_STEP || written == size) {
                listener.onProgress(repoId, file, written, size);
                reported = written;
            }
        }
        if (written < size) {
            throw new IOException("connection closed or stalled after " + written + " of " + size + " bytes");
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            LOG.debug("closing a stalled download: {}", e.toString());
        }
    }

    /** GET with Range from {@code offset}, following redirects; the token only on the endpoint's origin. */
    private HttpResponse<InputStream> get(URI location, long offset) throws IOException {
        URI url = location;
        for (int redirects = 0; ; redirects++) {
            String range = offset > 0 ? "bytes=" + offset + "-" : null;
            HttpResponse<InputStream> r = send(url, "GET", range, GET_TIMEOUT, true, HttpResponse.BodyHandlers.ofInputStream());
            int status = r.statusCode();
            if (status < 300 || status >= 400) {
                return r;
            }
            r.body().close();
            Optional<String> target = r.headers().firstValue("Location");
            if (target.isEmpty() || redirects >= MAX_REDIRECTS) {
                throw new AlbertException(url + " answered " + status + (target.isEmpty() ? " without a Location header"
                        : " after " + MAX_REDIRECTS + " redirects"));
            }
            url = url.resolve(target.get());
        }
    }

    private <T> HttpResponse<T> send(URI url, String method, String range, Duration timeout, boolean retry,
                                     HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(timeout)
                .header("User-Agent", USER_AGENT)
                .header("Accept-Encoding", "identity");
        if (options.token() != null && sameOrigin(url, options.endpoint())) {
            builder.header("Authorization", "Bearer " + options.token());
        }
        if (range != null) {
            builder.header("Range", range);
        }
        HttpRequest request = builder.build();
        for (int attempt = 1; ; attempt++) {
            boolean more = retry && attempt <= options.maxRetries();
            HttpResponse<T> r;
            try {
                r = http.send(request, handler);
            } catch (IOException e) {
                if (!more) {
                    throw e;
                }
                LOG.warn("{} {} failed: {}; retry {}/{}", method, url, e.toString(), attempt, options.maxRetries());
                sleep(backoff(attempt));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AlbertException("interrupted while requesting " + url, e);
            }
            int status = r.statusCode();
            if (!more || !(status == 408 || status == 429 || status >= 500)) {
                return r;
            }
            if (r.body() instanceof InputStream in) {
                in.close();
            }
            long wait = retryAfter(r).orElse(backoff(attempt));
            LOG.warn("{} {} answered {}; retry {}/{} in {} ms", method, url, status, attempt, options.maxRetries(), wait);
            sleep(wait);
        }
    }

    private FileMetadata metadata(HttpResponse<?> r, URI location, boolean redirect, ModelId id, String revision,
                                  String file) {
        String where = file + " of " + id.repoId() + " at " + revision + " (" + options.endpoint() + ")";
        String commit = r.headers().firstValue("X-Repo-Commit").orElseThrow(() -> new AlbertException(
                "no X-Repo-Commit header in the answer for " + where + ": the endpoint does not look like a Hugging Face"
                        + " Hub; check HF_ENDPOINT and any proxy"));
        if (!COMMIT.matcher(commit).matches()) {
            throw new AlbertException("X-Repo-Commit for " + where + " is not a 40-hex commit hash: \"" + shorten(commit) + "\"");
        }
        String rawEtag = r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag")).orElseThrow(() ->
                new AlbertException("no ETag for " + where + ": cannot verify or cache the file"));
        String etag = normalizeEtag(rawEtag);
        if (!SAFE_ETAG.matcher(etag).matches()) {
            throw new AlbertException("ETag for " + where + " is not usable as a blob name: \"" + shorten(rawEtag) + "\"");
        }
        Optional<String> size = r.headers().firstValue("X-Linked-Size")
                .or(() -> redirect ? Optional.empty() : r.headers().firstValue("Content-Length"));
        return new FileMetadata(commit, etag, location, parseSize(size.orElseThrow(() ->
                new AlbertException("no X-Linked-Size or Content-Length for " + where)), where));
    }

    /** huggingface_hub's {@code _normalize_etag}: {@code W/"x"} and {@code "x"} become {@code x}. */
    static String normalizeEtag(String etag) {
        int start = 0;
        while (start < etag.length() && (etag.charAt(start) == 'W' || etag.charAt(start) == '/')) {
            start++;
        }
        String s = etag.substring(start);
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '"') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '"') {
            to--;
        }
        return s.substring(from, to);
    }

    private static long parseSize(String value, String where) {
        try {
            long size = Long.parseLong(value.trim());
            if (size < 0 || size > MAX_FILE_SIZE) {
                throw new AlbertException("size of " + where + " must be in [0, " + MAX_FILE_SIZE + "], found " + size);
            }
            return size;
        } catch (NumberFormatException e) {
            throw new AlbertException("size of " + where + " is not a number: \"" + shorten(value) + "\"");
        }
    }

    private static void checkContentRange(HttpResponse<?> r, long offset, FileMetadata meta) {
        String header = r.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(header);
        if (!m.matches() || Long.parseLong(m.group(1)) != offset) {
            throw new AlbertException(meta.location() + " answered a request for bytes from " + offset
                    + " with Content-Range \"" + shorten(header) + "\"");
        }
    }

    private HubHttpException error(HttpResponse<?> r, ModelId id, String revision, String file, boolean retried) {
        int status = r.statusCode();
        String code = r.headers().firstValue("X-Error-Code").orElse(null);
        String serverMessage = r.headers().firstValue("X-Error-Message").map(m -> " (" + shorten(m) + ")").orElse("");
        String commit = r.headers().firstValue("X-Repo-Commit").filter(c -> COMMIT.matcher(c).matches()).orElse(null);
        String repo = id.repoId();
        String login = "set HF_TOKEN to an access token from " + options.endpoint().resolve("/settings/tokens")
                + " (or run `hf auth login`)";
        String tokenState = options.token() == null ? "no token was sent" : "the token sent was not accepted";
        String message = switch (status) {
            case 401, 403 -> "GatedRepo".equals(code)
                    ? repo + " is a gated model (" + status + serverMessage + "): request access on "
                            + options.endpoint() + "/" + repo + " while logged in, then " + login + "; " + tokenState
                    : status == 401
                            ? repo + " was not found on " + options.endpoint() + " or is private (401" + serverMessage
                                    + "): check the id; for a private model " + login + "; " + tokenState
                            : "access to " + repo + " is forbidden (403" + serverMessage + "): the token lacks permission"
                                    + " for it; " + tokenState;
            case 404 -> "RevisionNotFound".equals(code)
                    ? repo + " has no revision \"" + revision + "\" (404 RevisionNotFound)"
                    : "RepoNotFound".equals(code)
                            ? "no model " + repo + " on " + options.endpoint() + " (404 RepoNotFound); if it is private, "
                                    + login
                            : repo + " has no file " + file + " at revision " + revision + " (404" + (code == null ? ""
                                    : " " + code) + ")";
            case 429 -> options.endpoint() + " rate-limits requests (429" + serverMessage + ")" + retries(retried)
                    + "; wait and try again" + (options.token() == null
                    ? ", or log in for a higher limit: " + login : "");
            default -> options.endpoint().getHost() + " answered " + status + serverMessage + " for " + file + " of "
                    + repo + " at " + revision + (status >= 500 ? retries(retried) : "");
        };
        return new HubHttpException(message, status, code, commit);
    }

    private String retries(boolean retried) {
        return retried ? " after " + options.maxRetries() + " retries" : "";
    }

    /** Same scheme, host and port: a redirect elsewhere (a CDN) never gets the token. */
    static boolean sameOrigin(URI url, URI endpoint) {
        return url.getScheme().equalsIgnoreCase(endpoint.getScheme())
                && url.getHost() != null && url.getHost().equalsIgnoreCase(endpoint.getHost())
                && port(url) == port(endpoint);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
    }

    private long backoff(int attempt) {
        return options.backoffMillis() * Math.min(MAX_BACKOFF_FACTOR, 1L << Math.min(attempt - 1, 30));
    }

    private Optional<Long> retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                long seconds = Long.parseLong(v.trim());
                return Optional.of(Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_SECONDS) * 1000);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlbertException("interrupted while waiting to retry a download", e);
        }
    }

    private static long sizeOf(Path file) {
        return file.toFile().length();
    }

    private static String quote(String segment) {
        StringBuilder sb = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '~')) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static String shorten(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
