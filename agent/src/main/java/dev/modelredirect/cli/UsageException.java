package dev.modelredirect.cli;

/** The command line is wrong: exit code 2, with the message and a pointer to {@code --help}. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
