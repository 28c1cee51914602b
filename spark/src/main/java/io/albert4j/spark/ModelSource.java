package io.albert4j.spark;

import io.albert4j.AlbertException;
import io.albert4j.hub.HubModelResolver;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where a stage's {@code model} parameter points, and how an executor gets it onto its local disk.
 * A plain path (no URI scheme) that exists is a checkpoint directory every executor can read where
 * it is (a local copy on each node, or a shared mount): it is loaded in place. Any other text without
 * a scheme is a Hugging Face Hub id ({@code org/name}, optionally {@code @revision}), resolved on each
 * executor through its Hugging Face cache ({@link HubModelResolver}). A URI with a scheme
 * ({@code hdfs://}, {@code s3a://}, {@code file://}, anything with a Hadoop FileSystem) is copied
 * once per executor JVM into a temporary local directory, which is loaded (its weights
 * memory-mapped) and deleted when the model is freed.
 */
final class ModelSource {
    /** Files a checkpoint directory may hold; larger ones are the weights (checked against their headers). */
    private static final long MAX_FILES = 64;

    private ModelSource() {
    }

    /** Whether the location is a URI for a Hadoop FileSystem rather than a plain local path. */
    static boolean isRemote(String location) {
        return scheme(location) != null;
    }

    /** A local directory holding the checkpoint: the path itself, or a fresh copy of the remote directory. */
    static java.nio.file.Path localDirectory(String location, Configuration hadoopConf) {
        if (!isRemote(location)) {
            // An existing path as it is; else a Hub id, resolved through this JVM's Hugging Face cache
            // (the executor's HF_HUB_CACHE, HF_TOKEN, HF_HUB_OFFLINE), downloading what is missing.
            return HubModelResolver.fromEnvironment().resolve(location);
        }
        return copyToLocal(location, hadoopConf);
    }

    private static java.nio.file.Path copyToLocal(String location, Configuration hadoopConf) {
        java.nio.file.Path target;
        try {
            target = Files.createTempDirectory("albert4j-model-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a local directory for the model " + location, e);
        }
        try {
            Path source = new Path(location);
            FileSystem fs = source.getFileSystem(hadoopConf);
            if (!fs.getFileStatus(source).isDirectory()) {
                throw new AlbertException("model " + location + " is not a directory (expected a checkpoint directory"
                        + " with config.json, the weights and spiece.model)");
            }
            FileStatus[] entries = fs.listStatus(source);
            if (entries.length > MAX_FILES) {
                throw new AlbertException("model directory " + location + " holds " + entries.length
                        + " entries, expected at most " + MAX_FILES + " (is it a checkpoint directory?)");
            }
            for (FileStatus entry : entries) {
                if (entry.isFile()) {
                    try (InputStream in = fs.open(entry.getPath())) {
                        Files.copy(in, target.resolve(entry.getPath().getName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return target;
        } catch (IOException | RuntimeException e) {
            deleteRecursively(target);
            if (e instanceof AlbertException a) {
                throw a;
            }
            throw new AlbertException("cannot copy the model " + location + " to " + target + ": " + e, e);
        }
    }

    /** Deletes a directory this class created; failures are ignored (it is a temporary copy). */
    static void deleteRecursively(java.nio.file.Path dir) {
        try (Stream<java.nio.file.Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary copy left behind is harmless; the JVM is shutting down or the model was freed
        }
    }

    private static String scheme(String location) {
        if (location.length() > 2 && location.charAt(1) == ':' && Character.isLetter(location.charAt(0))) {
            return null; // a Windows drive letter, not a URI scheme
        }
        try {
            return new URI(location).getScheme();
        } catch (URISyntaxException e) {
            return null; // not a URI, so a plain path
        }
    }
}
