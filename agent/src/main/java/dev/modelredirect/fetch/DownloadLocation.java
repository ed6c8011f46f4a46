package dev.modelredirect.fetch;

import java.io.IOException;
import okhttp3.HttpUrl;

/**
 * Where a file's bytes can be fetched. The Hub hands out CDN links that expire: {@link #refresh()} asks again.
 */
public interface DownloadLocation {
    /** The URL to GET now. */
    HttpUrl current() throws IOException;

    /** Asks for a fresh URL after the current one was refused (401/403/404/410 from a CDN); returns it. */
    default HttpUrl refresh() throws IOException {
        return current();
    }

    /** A fixed URL that cannot be refreshed. */
    static DownloadLocation fixed(HttpUrl url) {
        return () -> url;
    }
}
