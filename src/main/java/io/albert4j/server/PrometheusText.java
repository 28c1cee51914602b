package io.albert4j.server;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Writes Prometheus' text exposition format, version 0.0.4: for each metric family one
 * {@code # HELP} and one {@code # TYPE} line, then its samples, {@code name{label="value",...} value},
 * one per line, each line ending in a line feed. Help text escapes backslash and line feed; label
 * values escape backslash, double quote and line feed. Sample values are written as the shortest
 * plain decimal ({@code 3}, {@code 0.0025}), or {@code NaN}, {@code +Inf}, {@code -Inf}.
 *
 * <p>Written by hand rather than with a Prometheus client library: the format is a few lines of
 * text, and the server's handful of metrics needs no registry.
 *
 * <p>Not thread-safe: one instance builds one scrape's answer.
 */
final class PrometheusText {
    /** The {@code Content-Type} of the format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final StringBuilder text = new StringBuilder();

    /**
     * Starts a metric family: its {@code # HELP} and {@code # TYPE} lines.
     *
     * @param type counter, gauge, histogram, summary or untyped
     */
    PrometheusText family(String name, String type, String help) {
        requireName(name);
        text.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /**
     * One sample line.
     *
     * @param labels label names and values, alternating: {@code "route", "/health", "status", "200"}
     */
    PrometheusText sample(String name, double value, String... labels) {
        requireName(name);
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs; found " + labels.length + " strings");
        }
        text.append(name);
        for (int i = 0; i < labels.length; i += 2) {
            if (!LABEL_NAME.matcher(labels[i]).matches() || labels[i].startsWith("__")) {
                throw new IllegalArgumentException("not a Prometheus label name: \"" + labels[i] + "\"");
            }
            text.append(i == 0 ? '{' : ',').append(labels[i]).append("=\"").append(escapeLabelValue(labels[i + 1])).append('"');
        }
        if (labels.length > 0) {
            text.append('}');
        }
        text.append(' ').append(number(value)).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    /** A value as the format writes it: {@code 3}, {@code 0.0025}, {@code NaN}, {@code +Inf}, {@code -Inf}. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return "0"; // -0.0 included
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void requireName(String name) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Prometheus metric name: \"" + name + "\"");
        }
    }
}
