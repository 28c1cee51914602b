package io.albert4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Facts about this library build. Thread-safe: the values are read once and never change.
 */
public final class Albert4j {
    private static final String VERSION = readVersion();

    private Albert4j() {
    }

    /** The library's version, as in its pom (e.g. {@code 0.1.0}); the CLI prints it for {@code --version}. */
    public static String version() {
        return VERSION;
    }

    /** From {@code version.properties}, which the build fills in; its absence is a packaging bug. */
    private static String readVersion() {
        try (InputStream in = Albert4j.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/albert4j/version.properties is missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
