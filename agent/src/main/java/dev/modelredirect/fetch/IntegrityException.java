package dev.modelredirect.fetch;

/** Downloaded bytes whose size or hash differs from what was expected; nothing was published. */
public final class IntegrityException extends FetchException {
    private static final long serialVersionUID = 1L;

    public IntegrityException(String message) {
        super(message);
    }
}
