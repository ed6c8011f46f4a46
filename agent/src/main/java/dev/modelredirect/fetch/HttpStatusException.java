package dev.modelredirect.fetch;

import java.util.Map;

/**
 * A server answered with a status that is not success and not worth retrying (or retries are spent).
 *
 * <p>Carries the status and the response headers a protocol layer needs to explain the refusal (for the Hub,
 * {@code X-Error-Code} and {@code X-Error-Message}).
 */
public final class HttpStatusException extends FetchException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String url;
    private final transient Map<String, String> headers;

    public HttpStatusException(int status, String url, Map<String, String> headers, String message) {
        super(message);
        this.status = status;
        this.url = url;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    /** The URL without query string. */
    public String url() {
        return url;
    }

    /** A response header by lower-case name, or null. */
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }
}
