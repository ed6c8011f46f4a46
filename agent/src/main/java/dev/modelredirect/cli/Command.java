package dev.modelredirect.cli;

import java.io.PrintStream;

/** One sub-command of the command line. */
interface Command {
    /** The word that selects it. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The whole {@code --help} text. */
    String help();

    /**
     * Runs it.
     *
     * @return the exit code: 0 success, 1 failure
     * @throws UsageException for a wrong command line (exit code 2)
     */
    int run(String[] words, PrintStream out, PrintStream err) throws UsageException;
}
