package dev.modelredirect.fetch;

import dev.modelredirect.config.Secret;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * Decides which requests carry the bearer token: only those to the endpoint's own scheme, host and port.
 *
 * <p>So the token is never sent to a CDN or any other host a redirect leads to, never to another port, and never
 * over plain http when the endpoint is https.
 */
public final class AuthPolicy {
    private final HttpUrl endpoint;
    private final Optional<Secret> token;

    public AuthPolicy(String endpoint, Optional<Secret> token) {
        this.endpoint = HttpUrl.parse(endpoint);
        if (this.endpoint == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + endpoint);
        }
        this.token = token;
    }

    /** The {@code Authorization} header value for a request to {@code url}, or null when none may be sent. */
    public String authorizationFor(HttpUrl url) {
        if (token.isEmpty() || !sameOrigin(url)) {
            return null;
        }
        return "Bearer " + token.get().reveal();
    }

    private boolean sameOrigin(HttpUrl url) {
        return url.scheme().equals(endpoint.scheme()) && url.host().equalsIgnoreCase(endpoint.host())
                && url.port() == endpoint.port();
    }
}
