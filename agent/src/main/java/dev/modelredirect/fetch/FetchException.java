package dev.modelredirect.fetch;

import java.io.IOException;

/**
 * A transfer that failed for good: retries are spent, the server refused, or the bytes did not verify.
 *
 * <p>The message is a whole sentence for the user: what failed, on which URL (without its query, which may hold a
 * signature), and what to do next.
 */
public class FetchException extends IOException {
    private static final long serialVersionUID = 1L;

    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
