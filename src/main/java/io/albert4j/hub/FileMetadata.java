package io.albert4j.hub;

import java.net.URI;

/**
 * What a HEAD on {@code /resolve/} says about one file: the commit the revision points to, the blob's
 * ETag (the sha256 of an LFS file, the git blob id of another), where to GET it (the CDN for LFS
 * files) and its size in bytes.
 */
record FileMetadata(String commit, String etag, URI location, long size) {
    /** A 64-hex ETag: an LFS file whose sha256 it is. */
    boolean isLfs() {
        return etag.length() == 64 && etag.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** A 40-hex ETag: a git blob whose git object id it is. */
    boolean isGitBlob() {
        return etag.length() == 40 && etag.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}
