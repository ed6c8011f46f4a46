package dev.modelredirect.cli;

import java.io.PrintStream;
import java.util.Set;

/**
 * A command over the store: parses the store options and its own, answers {@code --help}, then runs
 * {@link #execute}.
 */
abstract class StoreCommand implements Command {
    /** Options of this command that take a value, beyond the store options. */
    Set<String> valuedOptions() {
        return Set.of();
    }

    /** Options of this command that take none, beyond the store options. */
    Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public final int run(String[] words, PrintStream out, PrintStream err) throws UsageException {
        Arguments args = Arguments.parse(name(), words, 1,
                StoreOptions.valued(valuedOptions().toArray(new String[0])),
                StoreOptions.flags(flagOptions().toArray(new String[0])));
        if (args.flag("help")) {
            out.println(help());
            return 0;
        }
        return execute(args, out, err);
    }

    /** Runs the command with its parsed arguments; returns the exit code (0 success, 1 failure). */
    abstract int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException;
}
