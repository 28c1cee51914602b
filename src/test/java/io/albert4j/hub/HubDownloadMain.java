package io.albert4j.hub;

import java.nio.file.Path;

/**
 * A second process for the concurrency test: resolves a model id from a fake Hub into a cache.
 * Arguments: endpoint, cache directory, model id. Prints the snapshot directory.
 */
public final class HubDownloadMain {
    private HubDownloadMain() {
    }

    public static void main(String[] args) {
        HubOptions options = HubOptions.fromEnvironment(java.util.Map.of(), Path.of(args[1]).resolve("home"))
                .withEndpoint(args[0]).withCacheDir(Path.of(args[1])).withToken(HubTestSupport.TOKEN).withBackoffMillis(5);
        System.out.println(new HubModelResolver(options).resolve(args[2]));
    }
}
