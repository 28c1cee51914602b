package io.albert4j.hub;

import io.albert4j.AlbertException;
import io.albert4j.hub.FileSelection.FileSource;
import io.albert4j.hub.FileSelection.Outcome;
import io.albert4j.hub.FileSelection.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Resolves one model id to a snapshot directory of the cache. A commit hash needs no request once
 * its files are cached; a branch or tag costs one HEAD (on {@code config.json}), which tells the
 * commit it points to now; files already in that commit's snapshot, or known to be missing, are not
 * asked for again, and a blob already cached under the same ETag is linked, not downloaded. When the
 * Hub cannot be reached (or answers 401/403/429/5xx), the cached snapshot of the revision is used if
 * it is loadable, as huggingface_hub does.
 */
final class Resolution {
    private static final Logger LOG = LoggerFactory.getLogger(Resolution.class);
    private final HubOptions options;
    private final HubClient client;
    private final ModelId id;
    private final RepoCache cache;

    Resolution(HubOptions options, HubClient client, ModelId id) {
        this.options = options;
        this.client = client;
        this.id = id;
        this.cache = new RepoCache(options.cacheDir(), id);
    }

    Path run() {
        try {
            return options.offline() ? fromCacheOnly("offline mode is on (HF_HUB_OFFLINE=1 or HubOptions.withOffline)", null)
                    : online();
        } catch (IOException e) {
            throw new AlbertException("cannot cache " + id + " in " + options.cacheDir() + ": " + e.getMessage(), e);
        }
    }

    private Path online() throws IOException {
        String revision = id.revision();
        FileMetadata config = null;
        String commit = revision;
        if (!ModelId.isCommitHash(revision)) {
            try {
                // Retries only when the cache cannot answer instead, as huggingface_hub does.
                config = client.head(id, revision, FileSelection.CONFIG, !loadableFromCache(revision));
            } catch (IOException | HubHttpException e) {
                return fallBackToCache(e);
            }
            commit = config.commit();
            cache.writeRef(revision, commit);
        }
        CacheSource cached = new CacheSource(commit);
        if (FileSelection.select(cached).complete()) {
            LOG.debug("{} is complete in the cache at commit {}", id, commit);
            return cached.dir();
        }
        FileSelection.select(new HubSource(commit, config));
        LOG.info("{} resolved to commit {} in {}", id, commit, cache.repoDir());
        return cache.snapshot(commit);
    }

    private boolean loadableFromCache(String revision) throws IOException {
        Optional<String> commit = cache.readRef(revision);
        try {
            return commit.isPresent() && FileSelection.select(new CacheSource(commit.get())).loadable();
        } catch (AlbertException e) {
            return false;
        }
    }

    private Path fallBackToCache(Exception error) throws IOException {
        if (error instanceof HubHttpException h && (h.isEntryNotFound() || "RevisionNotFound".equals(h.errorCode))) {
            throw h.isEntryNotFound() ? new AlbertException(id.repoId() + " has no " + FileSelection.CONFIG + " at revision "
                    + id.revision() + ": not a transformers model repository") : h;
        }
        if (error instanceof HubHttpException h && !h.isTransient() && h.status != 401 && h.status != 403 && h.status != 404) {
            throw h;
        }
        String reason = error instanceof HubHttpException ? error.getMessage()
                : "cannot reach " + options.endpoint() + " (" + error + ")";
        Path dir = fromCacheOnly(reason, error);
        LOG.warn("{}; using the cached snapshot {}", reason, dir);
        return dir;
    }

    /** The cached snapshot of the revision if it is loadable, else an error saying what is missing. */
    private Path fromCacheOnly(String reason, Exception cause) throws IOException {
        String revision = id.revision();
        Optional<String> commit = ModelId.isCommitHash(revision) ? Optional.of(revision) : cache.readRef(revision);
        if (commit.isEmpty()) {
            throw new AlbertException(reason + ", and the cache " + options.cacheDir() + " has no revision \"" + revision
                    + "\" of " + id.repoId() + " (no " + cache.repoDir().resolve("refs").resolve(revision) + ")", cause);
        }
        Outcome outcome = FileSelection.select(new CacheSource(commit.get()));
        if (!outcome.loadable()) {
            throw new AlbertException(reason + ", and the cached snapshot " + cache.snapshot(commit.get()) + " of " + id
                    + " lacks " + missing(outcome), cause);
        }
        return cache.snapshot(commit.get());
    }

    private static String missing(Outcome outcome) {
        List<String> required = outcome.unknown().stream()
                .filter(f -> !FileSelection.TOKENIZER_FILES.contains(f)).toList();
        return outcome.weights() ? String.join(", ", required)
                : String.join(", ", required) + " (the weights: any one of these formats)";
    }

    /** Files as the cache knows them: present, marked missing, or unknown. Makes no request. */
    private final class CacheSource implements FileSource {
        private final String commit;

        CacheSource(String commit) {
            this.commit = commit;
        }

        @Override
        public State fetch(String file) {
            return cache.isPresent(commit, file) ? State.PRESENT
                    : cache.isMarkedMissing(commit, file) ? State.ABSENT : State.UNKNOWN;
        }

        @Override
        public Path dir() {
            return cache.snapshot(commit);
        }

        @Override
        public String describe() {
            return id.repoId() + " at commit " + commit;
        }
    }

    /** Files from the cache when it knows them, else from the Hub at the commit. */
    private final class HubSource implements FileSource {
        private final String commit;
        private final FileMetadata config;

        HubSource(String commit, FileMetadata config) {
            this.commit = commit;
            this.config = config;
        }

        @Override
        public State fetch(String file) throws IOException {
            if (cache.isPresent(commit, file)) {
                return State.PRESENT;
            }
            if (cache.isMarkedMissing(commit, file)) {
                return State.ABSENT;
            }
            FileMetadata meta;
            try {
                meta = file.equals(FileSelection.CONFIG) && config != null ? config : client.head(id, commit, file, true);
            } catch (HubHttpException e) {
                if (!e.isEntryNotFound()) {
                    throw e;
                }
                cache.markMissing(commit, file);
                return State.ABSENT;
            }
            if (!meta.commit().equals(commit)) {
                throw new AlbertException(options.endpoint() + " answered commit " + meta.commit() + " for " + file
                        + " of " + id.repoId() + " at commit " + commit);
            }
            ensureBlob(file, meta);
            cache.link(commit, file, meta.etag());
            return State.PRESENT;
        }

        @Override
        public Path dir() {
            return cache.snapshot(commit);
        }

        @Override
        public String describe() {
            return id.repoId() + " at commit " + commit;
        }
    }

    /** Downloads the blob unless cached, under the blob's lock, verified before it is renamed into place. */
    private void ensureBlob(String file, FileMetadata meta) throws IOException {
        Path blob = cache.blob(meta.etag());
        if (Files.isRegularFile(blob)) {
            return;
        }
        try (BlobLock lock = BlobLock.acquire(cache.lockFile(meta.etag()))) {
            if (Files.isRegularFile(blob)) {
                return;
            }
            Path incomplete = cache.incomplete(meta.etag());
            Files.createDirectories(incomplete.getParent());
            client.download(id, file, meta, incomplete, options.listener());
            verify(incomplete, file, meta);
            Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Size equals the announced size; an LFS file's sha256 (a git blob's id) equals its ETag. */
    private void verify(Path incomplete, String file, FileMetadata meta) throws IOException {
        long size = Files.size(incomplete);
        String problem = null;
        if (size != meta.size()) {
            problem = "its size is " + size + " bytes, the Hub announced " + meta.size();
        } else if (meta.isLfs() || meta.isGitBlob()) {
            String digest = digest(incomplete, meta.isLfs(), size);
            if (!digest.equals(meta.etag())) {
                problem = "its " + (meta.isLfs() ? "sha256" : "git blob id") + " is " + digest + ", the ETag says "
                        + meta.etag();
            }
        }
        if (problem != null) {
            Files.deleteIfExists(incomplete);
            throw new AlbertException("download of " + file + " of " + id.repoId() + " from " + meta.location()
                    + " is corrupt: " + problem + "; the partial file was deleted, try again");
        }
    }

    private static String digest(Path file, boolean sha256, long size) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(sha256 ? "SHA-256" : "SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!sha256) {
            md.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
