package dev.modelredirect.demo;

/** A command line the demo does not understand; its message says what is accepted. Exit code 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
