package io.albert4j.hub;

/**
 * Told how a download from the Hub advances, for a progress bar or a log. Called on the thread that
 * resolves the model: at the start of each file (0 bytes), every few hundred kilobytes, and once the
 * file is complete ({@code downloaded == total}). A resumed download starts at the bytes already on
 * disk. Implementations should return quickly; an exception thrown here aborts the download.
 */
@FunctionalInterface
public interface DownloadListener {
    /** Does nothing. */
    DownloadListener NONE = (repoId, file, downloaded, total) -> { };

    /**
     * @param repoId     the repository, {@code org/name} or {@code name}
     * @param file       the file's name in the repository, e.g. {@code model.safetensors}
     * @param downloaded bytes of the file on disk so far
     * @param total      the file's size in bytes, as the Hub announced it
     */
    void onProgress(String repoId, String file, long downloaded, long total);
}
