package dev.modelredirect.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed words of one command: positional arguments, flags, and options with values ({@code --key value} or
 * {@code --key=value}). Only the names a command declares are accepted.
 */
final class Arguments {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, List<String>> repeated = new LinkedHashMap<>();

    private Arguments() {
    }

    /**
     * @param valued names of options that take a value
     * @param flags  names of options that take none
     */
    static Arguments parse(String command, String[] words, int from, Set<String> valued, Set<String> flags)
            throws UsageException {
        Arguments args = new Arguments();
        boolean onlyPositional = false;
        for (int i = from; i < words.length; i++) {
            String word = words[i];
            if (onlyPositional || !word.startsWith("--") || word.equals("-")) {
                args.positional.add(word);
                continue;
            }
            if (word.equals("--")) {
                onlyPositional = true;
                continue;
            }
            String name = word.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("option --" + name + " of '" + command + "' takes no value");
                }
                args.options.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= words.length) {
                        throw new UsageException("option --" + name + " of '" + command + "' needs a value");
                    }
                    value = words[++i];
                }
                args.options.put(name, value);
                args.repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new UsageException("unknown option --" + name + " for '" + command + "'");
            }
        }
        return args;
    }

    List<String> positional() {
        return positional;
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String option(String name) {
        return options.get(name);
    }

    /** Every value given to a repeatable option, in order; empty when it was not given. */
    List<String> values(String name) {
        return repeated.getOrDefault(name, List.of());
    }

    Map<String, String> options() {
        return options;
    }
}
