package io.albert4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed {@code --option value}, {@code --flag} and positional arguments of one subcommand.
 * Options may repeat ({@code --choice A --choice B}); {@code --} ends options.
 */
final class CliArgs {
    private final String command;
    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    CliArgs(String command, List<String> args, Set<String> valueOptions, Set<String> flags) {
        this.command = command;
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (optionsEnded || !a.startsWith("--") || a.equals("-")) {
                positional.add(a);
            } else if (a.equals("--")) {
                optionsEnded = true;
            } else if (flags.contains(a)) {
                options.computeIfAbsent(a, k -> new ArrayList<>()).add("true");
            } else if (valueOptions.contains(a)) {
                if (i + 1 >= args.size()) {
                    throw new CliException(command + ": option " + a + " needs a value");
                }
                options.computeIfAbsent(a, k -> new ArrayList<>()).add(args.get(++i));
            } else {
                throw new CliException(command + ": unknown option " + a);
            }
        }
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String value(String name) {
        List<String> values = options.get(name);
        return values == null ? null : values.get(values.size() - 1);
    }

    String value(String name, String fallback) {
        String v = value(name);
        return v == null ? fallback : v;
    }

    List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    int intValue(String name, int fallback) {
        String v = value(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CliException(command + ": " + name + " expects an integer, found \"" + v + "\"");
        }
    }

    List<String> positional() {
        return positional;
    }

    /** The single positional text argument. */
    String text() {
        if (positional.size() != 1) {
            throw new CliException(command + ": expected one TEXT argument, found " + positional.size()
                    + " (quote the text)");
        }
        return positional.get(0);
    }
}
