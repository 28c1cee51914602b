package io.albert4j.hub;

import io.albert4j.AlbertException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where and how {@link HubModelResolver} fetches models: the Hub's address, the cache directory, the
 * access token, offline mode, the default revision, a progress listener and the retry bound.
 * {@link #fromEnvironment()} reads the same environment variables as Python's huggingface_hub, so
 * both share one cache and one login.
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return copies. {@link #toString()} never
 * shows the token.
 */
public final class HubOptions {
    /** The Hub's address when {@code HF_ENDPOINT} is not set. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    /** How many times a request answered 429 or 5xx, or a download cut short, is retried. */
    public static final int DEFAULT_MAX_RETRIES = 5;
    private static final Set<String> TRUE_VALUES = Set.of("1", "on", "yes", "true");
    private static final long DEFAULT_BACKOFF_MILLIS = 1_000;
    /** huggingface_hub's HF_HUB_DOWNLOAD_TIMEOUT: 10 s without a byte ends the attempt. */
    private static final long DEFAULT_STALL_MILLIS = 10_000;

    private final URI endpoint;
    private final Path cacheDir;
    private final String token;
    private final boolean offline;
    private final String revision;
    private final DownloadListener listener;
    private final int maxRetries;
    private final long backoffMillis;
    private final long stallMillis;

    private HubOptions(URI endpoint, Path cacheDir, String token, boolean offline, String revision,
                       DownloadListener listener, int maxRetries, long backoffMillis, long stallMillis) {
        this.endpoint = endpoint;
        this.cacheDir = cacheDir;
        this.token = token;
        this.offline = offline;
        this.revision = revision;
        this.listener = listener;
        this.maxRetries = maxRetries;
        this.backoffMillis = backoffMillis;
        this.stallMillis = stallMillis;
    }

    /**
     * Options from the environment, as huggingface_hub reads it: {@code HF_ENDPOINT};
     * {@code HF_HUB_CACHE} (else {@code HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub}, where
     * {@code HF_HOME} defaults to {@code $XDG_CACHE_HOME/huggingface}, else
     * {@code ~/.cache/huggingface}); the token from {@code HF_TOKEN} (else
     * {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code HF_TOKEN_PATH}, default
     * {@code $HF_HOME/token}, which {@code hf auth login} writes); offline when {@code HF_HUB_OFFLINE}
     * (or {@code TRANSFORMERS_OFFLINE}) is 1, ON, YES or TRUE. Revision {@code main}, no listener.
     */
    public static HubOptions fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static HubOptions fromEnvironment(Map<String, String> env, Path userHome) {
        Path hfHome = env.containsKey("HF_HOME") ? Path.of(env.get("HF_HOME"))
                : (env.containsKey("XDG_CACHE_HOME") ? Path.of(env.get("XDG_CACHE_HOME")) : userHome.resolve(".cache"))
                        .resolve("huggingface");
        String cache = firstSet(env, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE");
        Path cacheDir = cache != null ? Path.of(cache) : hfHome.resolve("hub");
        String token = cleanToken(firstSet(env, "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"));
        if (token == null) {
            String tokenPath = env.get("HF_TOKEN_PATH");
            token = readTokenFile(tokenPath != null ? Path.of(tokenPath) : hfHome.resolve("token"));
        }
        String offline = firstSet(env, "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE");
        String endpoint = env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT);
        URI endpointUri;
        try {
            endpointUri = parseEndpoint(endpoint);
        } catch (IllegalArgumentException e) {
            throw new AlbertException(e.getMessage(), e);
        }
        return new HubOptions(endpointUri, cacheDir, token,
                offline != null && TRUE_VALUES.contains(offline.trim().toLowerCase(Locale.ROOT)),
                null, DownloadListener.NONE, DEFAULT_MAX_RETRIES, DEFAULT_BACKOFF_MILLIS,
                DEFAULT_STALL_MILLIS);
    }

    /** The Hub's base URL, without a trailing slash. */
    public URI endpoint() {
        return endpoint;
    }

    /** The huggingface_hub cache directory ({@code .../hub}) holding {@code models--org--name} folders. */
    public Path cacheDir() {
        return cacheDir;
    }

    /** Whether a token is set (the token itself is not exposed). */
    public boolean hasToken() {
        return token != null;
    }

    String token() {
        return token;
    }

    /** True when only the cache is used: no request is made. */
    public boolean offline() {
        return offline;
    }

    /** The revision used for ids without {@code @revision}; null means {@code main}. */
    public String revision() {
        return revision;
    }

    public DownloadListener listener() {
        return listener;
    }

    public int maxRetries() {
        return maxRetries;
    }

    long backoffMillis() {
        return backoffMillis;
    }

    long stallMillis() {
        return stallMillis;
    }

    /** The Hub's address, e.g. {@code https://huggingface.co} or a mirror. */
    public HubOptions withEndpoint(String value) {
        return new HubOptions(parseEndpoint(value), cacheDir, token, offline, revision, listener, maxRetries, backoffMillis, stallMillis);
    }

    public HubOptions withCacheDir(Path value) {
        return new HubOptions(endpoint, Objects.requireNonNull(value, "cacheDir"), token, offline, revision, listener,
                maxRetries, backoffMillis, stallMillis);
    }

    /** A Hub access token ({@code hf_...}), or null for none; sent only to the endpoint's host. */
    public HubOptions withToken(String value) {
        return new HubOptions(endpoint, cacheDir, cleanToken(value), offline, revision, listener, maxRetries, backoffMillis, stallMillis);
    }

    public HubOptions withOffline(boolean value) {
        return new HubOptions(endpoint, cacheDir, token, value, revision, listener, maxRetries, backoffMillis, stallMillis);
    }

    /** A branch, tag or commit hash for ids without {@code @revision}; null means {@code main}. */
    public HubOptions withRevision(String value) {
        if (value != null && !ModelId.isRevision(value)) {
            throw new IllegalArgumentException("not a valid revision: \"" + value + "\"");
        }
        return new HubOptions(endpoint, cacheDir, token, offline, value, listener, maxRetries, backoffMillis, stallMillis);
    }

    public HubOptions withListener(DownloadListener value) {
        return new HubOptions(endpoint, cacheDir, token, offline, revision,
                value == null ? DownloadListener.NONE : value, maxRetries, backoffMillis, stallMillis);
    }

    /** Retries of a request answered 429 or 5xx (back-off 1, 2, 4, 8, 8... s) or a download cut short. */
    public HubOptions withMaxRetries(int value) {
        if (value < 0 || value > 20) {
            throw new IllegalArgumentException("max retries must be in [0, 20], found " + value);
        }
        return new HubOptions(endpoint, cacheDir, token, offline, revision, listener, value, backoffMillis, stallMillis);
    }

    /** The first back-off delay (doubled up to 8 times it); tests shorten it. */
    HubOptions withBackoffMillis(long value) {
        return new HubOptions(endpoint, cacheDir, token, offline, revision, listener, maxRetries, value, stallMillis);
    }

    /** How long a download may receive nothing before it is cut and resumed; tests shorten it. */
    HubOptions withStallMillis(long value) {
        return new HubOptions(endpoint, cacheDir, token, offline, revision, listener, maxRetries, backoffMillis, value);
    }

    @Override
    public String toString() {
        return "HubOptions[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", token=" + (token == null ? "none" : "set")
                + ", offline=" + offline + ", revision=" + (revision == null ? ModelId.DEFAULT_REVISION : revision)
                + ", maxRetries=" + maxRetries + "]";
    }

    private static URI parseEndpoint(String value) {
        Objects.requireNonNull(value, "endpoint");
        String trimmed = value.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HF_ENDPOINT is not a URL: \"" + value + "\"", e);
        }
        if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("HF_ENDPOINT must be an http(s) URL with a host, found \"" + value + "\"");
        }
        return uri;
    }

    private static String firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String v = env.get(name);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /** As huggingface_hub's {@code _clean_token}: line breaks removed, trimmed, empty means none. */
    private static String cleanToken(String token) {
        if (token == null) {
            return null;
        }
        String cleaned = token.replace("\r", "").replace("\n", "").trim();
        return cleaned.isEmpty() ? null : cleaned;
    }

    private static String readTokenFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            if (Files.size(file) > 4096) {
                throw new AlbertException("token file " + file + " is larger than 4096 bytes; it should hold one token");
            }
            return cleanToken(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AlbertException("cannot read the Hub token file " + file + ": " + e.getMessage(), e);
        }
    }
}
