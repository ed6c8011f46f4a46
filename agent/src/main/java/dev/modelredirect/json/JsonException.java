package dev.modelredirect.json;

/** Thrown when text is not the JSON expected; the message names what and where. */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
