package io.albert4j.hub;

import io.albert4j.AlbertException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One repository's folder in huggingface_hub's cache, laid out exactly as {@code file_download.py}
 * lays it out, so that Python and Java share it:
 * <pre>
 * {cache}/models--{org}--{name}/blobs/{etag}                 file contents, named by ETag
 *                              /blobs/{etag}.incomplete      a download in progress (resumable)
 *                              /snapshots/{commit}/{file}    relative symlink to ../../blobs/{etag}
 *                              /refs/{revision}              the commit a branch or tag points to
 *                              /.no_exist/{commit}/{file}    empty marker: the repo lacks this file
 * {cache}/.locks/models--{org}--{name}/{etag}.lock           held while the blob is written
 * </pre>
 * Where symlinks cannot be created (Windows without developer mode), the snapshot gets a copy of the
 * blob, as huggingface_hub does. Refs and pointers are written to a temporary name and renamed, so a
 * reader never sees half of one.
 *
 * <p>Thread-safe: it holds only paths; concurrent writers are serialised by {@link BlobLock}.
 */
final class RepoCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private final Path root;
    private final ModelId id;
    private final Path repoDir;

    RepoCache(Path root, ModelId id) {
        this.root = root;
        this.id = id;
        this.repoDir = root.resolve(id.folderName());
    }

    Path repoDir() {
        return repoDir;
    }

    Path blob(String etag) {
        return repoDir.resolve("blobs").resolve(etag);
    }

    Path incomplete(String etag) {
        return repoDir.resolve("blobs").resolve(etag + ".incomplete");
    }

    Path lockFile(String etag) {
        return root.resolve(".locks").resolve(id.folderName()).resolve(etag + ".lock");
    }

    Path snapshot(String commit) {
        return repoDir.resolve("snapshots").resolve(commit);
    }

    /** The file is in the snapshot and its blob is there (a dangling symlink does not count). */
    boolean isPresent(String commit, String file) {
        return Files.isRegularFile(snapshot(commit).resolve(file));
    }

    /** A {@code .no_exist} marker says the repo lacks the file at this commit. */
    boolean isMarkedMissing(String commit, String file) {
        return Files.isRegularFile(repoDir.resolve(".no_exist").resolve(commit).resolve(file));
    }

    /** The commit {@code refs/{revision}} names, if the cache has that ref. */
    Optional<String> readRef(String revision) {
        Path ref = repoDir.resolve("refs").resolve(revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        try {
            if (Files.size(ref) > 128) {
                throw new AlbertException("cache ref " + ref + " is " + Files.size(ref) + " bytes; expected a 40-hex commit");
            }
            String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
            if (!COMMIT.matcher(commit).matches()) {
                throw new AlbertException("cache ref " + ref + " does not hold a 40-hex commit hash: \"" + commit + "\"");
            }
            return Optional.of(commit);
        } catch (IOException e) {
            throw new AlbertException("cannot read cache ref " + ref + ": " + e.getMessage(), e);
        }
    }

    /** Records that {@code revision} points to {@code commit}; nothing for a commit hash itself. */
    void writeRef(String revision, String commit) throws IOException {
        if (revision.equals(commit) || readRef(revision).filter(commit::equals).isPresent()) {
            return;
        }
        Path ref = repoDir.resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + "." + shortUuid() + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void markMissing(String commit, String file) throws IOException {
        Path marker = repoDir.resolve(".no_exist").resolve(commit).resolve(file);
        Files.createDirectories(marker.getParent());
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException alreadyMarked) {
            // another thread or process resolving the same repo marked it first: the marker is what counts
        }
    }

    /** Points {@code snapshots/{commit}/{file}} at the blob: a relative symlink, else a copy. */
    void link(String commit, String file, String etag) throws IOException {
        Path pointer = snapshot(commit).resolve(file);
        if (Files.isRegularFile(pointer)) {
            return;
        }
        Files.createDirectories(pointer.getParent());
        Path blob = blob(etag);
        Path tmp = pointer.resolveSibling(pointer.getFileName() + "." + shortUuid() + ".tmp");
        try {
            Files.createSymbolicLink(tmp, pointer.getParent().relativize(blob));
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String shortUuid() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
