package io.albert4j.hub;

import java.util.regex.Pattern;

/**
 * A Hub model id ({@code org/name} or {@code name}) and an optional revision, parsed from
 * {@code org/name@revision}. Validated as the Hub validates repository ids, so that neither can
 * escape the cache directory nor the URL path.
 */
record ModelId(String repoId, String revision) {
    static final String DEFAULT_REVISION = "main";
    private static final int MAX_ID_LENGTH = 96;
    private static final int MAX_REVISION_LENGTH = 255;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_./+-]*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /**
     * Parses {@code org/name[@revision]}; {@code defaultRevision} (or {@code main} when null) applies
     * when the text names none. Returns null when the text is not a valid id.
     */
    static ModelId parseOrNull(String text, String defaultRevision) {
        int at = text.indexOf('@');
        String repo = at < 0 ? text : text.substring(0, at);
        String revision = at < 0 ? defaultRevision : text.substring(at + 1);
        if (!isRepoId(repo)) {
            return null;
        }
        revision = revision == null ? DEFAULT_REVISION : revision;
        return isRevision(revision) ? new ModelId(repo, revision) : null;
    }

    static boolean isRepoId(String repo) {
        if (repo.isEmpty() || repo.length() > MAX_ID_LENGTH || repo.contains("--") || repo.contains("..")) {
            return false;
        }
        String[] parts = repo.split("/", -1);
        if (parts.length > 2) {
            return false;
        }
        for (String part : parts) {
            if (!NAME.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    static boolean isRevision(String revision) {
        return revision.length() <= MAX_REVISION_LENGTH && REVISION.matcher(revision).matches()
                && !revision.contains("..") && !revision.endsWith("/") && !revision.contains("//");
    }

    /** A full 40-hex commit hash, which needs no request to resolve. */
    static boolean isCommitHash(String revision) {
        return COMMIT.matcher(revision).matches();
    }

    /** The cache folder name huggingface_hub uses: {@code models--org--name}. */
    String folderName() {
        return "models--" + repoId.replace("/", "--");
    }

    @Override
    public String toString() {
        return repoId + "@" + revision;
    }
}
