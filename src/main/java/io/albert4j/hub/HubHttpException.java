package io.albert4j.hub;

import io.albert4j.AlbertException;

/**
 * An error answer of the Hub: its status, the {@code X-Error-Code} header ({@code RepoNotFound},
 * {@code RevisionNotFound}, {@code EntryNotFound}, {@code GatedRepo}) and the commit a 404 names,
 * with a message that says what to do.
 */
final class HubHttpException extends AlbertException {
    final int status;
    final String errorCode;
    final String commit;

    HubHttpException(String message, int status, String errorCode, String commit) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
        this.commit = commit;
    }

    /** The repo and revision exist, the file does not: cacheable as {@code .no_exist}. */
    boolean isEntryNotFound() {
        return status == 404 && ("EntryNotFound".equals(errorCode) || errorCode == null && commit != null);
    }

    /** A rate limit or a server error: worth retrying, or answering from the cache. */
    boolean isTransient() {
        return status == 408 || status == 429 || status >= 500;
    }
}
