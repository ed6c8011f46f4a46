package dev.modelredirect.store;

import java.io.IOException;

/**
 * A source that the store cannot serve, or input it refuses; the message names the source and what to do next.
 * Nothing in the store was changed by the operation that threw it.
 */
public class StoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
