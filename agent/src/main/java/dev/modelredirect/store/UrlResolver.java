package dev.modelredirect.store;

import dev.modelredirect.config.UrlMirror;
import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.DiskSpace;
import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.files.SafePaths;

import dev.modelredirect.fetch.DownloadJob;
import dev.modelredirect.fetch.DownloadLocation;
import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.fetch.FileDownloader;
import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.fetch.Http;
import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import dev.modelredirect.json.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * Resolves plain URL sources in {@code <store>/url}: a hit when the file and its integrity record are there (and
 * match the pin), else a HEAD for size and validators, a verified, resumable download, the record, and the pin.
 */
final class UrlResolver {
    private final StoreContext context;
    private final UrlLayout layout;
    private final List<UrlMirror> mirrors;

    UrlResolver(StoreContext context, List<UrlMirror> mirrors) {
        this.context = context;
        this.layout = context.url;
        this.mirrors = mirrors;
    }

    /** Where a source's bytes are asked for: its URL, or its mirror's under {@code mirrors}. */
    private HttpUrl fetchUrl(Source.Url source) {
        return HttpUrl.get(UrlMirror.fetchUrl(mirrors, source.url().text()));
    }

    /** The final URL as recorded: a mirror's URL is written back as the source's own, so pins do not depend on it. */
    private String recordedFinalUrl(Probe probe) {
        return UrlMirror.originalUrl(mirrors, probe.finalUrl.toString());
    }

    /** The local file when the store answers this source now, else null; never connects or writes. */
    Path lookup(Source.Url source) throws IOException {
        Path file = layout.file(source.url());
        Pin.Url urlPin = pinOf(source);
        return isStored(file, urlPin, urlPin == null ? readMeta(file) : null) ? file : null;
    }

    Resolution resolve(Source.Url source, HttpSupplier httpSupplier) throws IOException {
        long start = System.nanoTime();
        Path file = layout.file(source.url());
        Pin.Url urlPin = pinOf(source);
        Map<String, Object> meta = urlPin == null ? readMeta(file) : null;
        if (isStored(file, urlPin, meta)) {
            if (urlPin == null) {
                context.pin(source.spelled(), pinFromMeta(source, file, meta));
            }
            return new Resolution(source.spelled(), file, context.root, true, 0, System.nanoTime() - start);
        }
        context.checkCanDownload(source.spelled());
        Http client = httpSupplier.get();
        HttpUrl asked = fetchUrl(source);
        Probe probe = probe(client, asked);
        long size = probe.size;
        List<ExpectedDigest> expected = new ArrayList<>();
        if (urlPin != null) {
            PinnedFile pinned = urlPin.files().get(0);
            expected.add(ExpectedDigest.sha256(pinned.sha256()));
            if (size >= 0 && pinned.size() >= 0 && size != pinned.size()) {
                throw new StoreException(source.spelled() + ": the server now sends " + size + " bytes, but the lock "
                        + "file records " + pinned.size() + "; the file changed on the server. Move the pin with "
                        + "`pull --update " + source.spelled() + "` if the new file is wanted");
            }
            size = size >= 0 ? size : pinned.size();
        }
        return fetch(source, client, asked, probe, size, expected, start);
    }

    /**
     * Revalidates a pinned URL with its ETag and Last-Modified (a conditional HEAD) and downloads it again only when
     * the server has another version; then moves the pin. An unpinned URL is resolved as on a miss.
     */
    Update update(Source.Url source, HttpSupplier httpSupplier) throws IOException {
        long start = System.nanoTime();
        context.checkCanUpdate(source.spelled());
        Pin.Url urlPin = pinOf(source);
        if (urlPin == null) {
            Resolution resolution = resolve(source, httpSupplier);
            return new Update(resolution, null, pinnedSha256(source), false);
        }
        String old = urlPin.files().get(0).sha256();
        Http client = httpSupplier.get();
        HttpUrl asked = fetchUrl(source);
        Probe probe = revalidate(client, asked, urlPin);
        if (probe == null) {
            return new Update(resolve(source, httpSupplier), old, old, false);
        }
        Resolution resolution = fetch(source, client, asked, probe, probe.size, List.of(), start);
        return new Update(resolution, old, pinnedSha256(source), false);
    }

    private String pinnedSha256(Source.Url source) throws StoreException {
        Pin pin = context.lockFile.get(source.spelled());
        return pin != null && !pin.files().isEmpty() ? pin.files().get(0).sha256() : null;
    }

    /**
     * A HEAD with {@code If-None-Match} and {@code If-Modified-Since} from the pin: null when the server still has
     * the pinned version (304, or the same validators and size), else the probe of the new version.
     */
    private Probe revalidate(Http client, HttpUrl url, Pin.Url pin) throws IOException {
        okhttp3.Request.Builder request = client.request(url).head();
        if (pin.etag() != null) {
            request.header("If-None-Match", pin.etag());
        }
        if (pin.lastModified() != null) {
            request.header("If-Modified-Since", pin.lastModified());
        }
        try (Response response = client.execute(request.build(), Http.Redirects.ALL)) {
            if (response.code() == 304) {
                return null;
            }
            if (!response.isSuccessful()) {
                return probe(client, url);
            }
            Probe probe = new Probe(response.request().url(), parseLong(response.header("Content-Length")),
                    response.header("ETag"), response.header("Last-Modified"));
            long pinnedSize = pin.files().get(0).size();
            boolean sameSize = probe.size < 0 || probe.size == pinnedSize;
            boolean sameEtag = pin.etag() != null && pin.etag().equals(probe.etag);
            boolean sameDate = pin.etag() == null && probe.etag == null && pin.lastModified() != null
                    && pin.lastModified().equals(probe.lastModified);
            return sameSize && (sameEtag || sameDate) ? null : probe;
        }
    }

    /** Downloads the URL into its place (verified against {@code expected}), writes its record and pins it. */
    private Resolution fetch(Source.Url source, Http client, HttpUrl asked, Probe probe, long size,
            List<ExpectedDigest> expected, long start) throws IOException {
        Path file = layout.file(source.url());
        Hashing.Digests digests;
        long transferred;
        try (NamedLocks.Held lock = NamedLocks.acquire(layout.lock(source.url()), source.spelled())) {
            GroupAccess.createDirectories(file.getParent());
            Path temp = PartialFiles.claim(file.getParent(), "." + file.getFileName());
            HttpUrl finalUrl = probe.finalUrl;
            DownloadLocation location = new DownloadLocation() {
                @Override
                public HttpUrl current() {
                    return finalUrl;
                }

                @Override
                public HttpUrl refresh() throws IOException {
                    return probe(client, asked).finalUrl;
                }
            };
            context.checkRoom(source.spelled(), file.getParent(), size - (Files.exists(temp) ? Files.size(temp) : 0));
            FileDownloader.Result download;
            try {
                download = context.downloader().download(new DownloadJob(source.spelled(), location, size,
                        probe.validator(), temp, expected), context.progress);
            } catch (IOException ex) {
                throw DiskSpace.isFull(ex) ? context.full(source.spelled(), file.getParent(), size, ex) : ex;
            }
            digests = download.digests();
            transferred = download.transferred();
            writeMeta(file, source, probe, digests);
            AtomicFiles.move(temp, file);
        }
        String relative = context.root.relativize(file).toString().replace('\\', '/');
        context.pin(source.spelled(), new Pin.Url(source.url().text(), recordedFinalUrl(probe), probe.etag,
                probe.lastModified, List.of(new PinnedFile(relative, digests.size(), digests.sha256(), null))));
        return new Resolution(source.spelled(), file, context.root, false, transferred, System.nanoTime() - start);
    }

    /** The pin of a URL source, or null when the lock file has none (with a file). */
    private Pin.Url pinOf(Source.Url source) throws StoreException {
        return context.lockFile.get(source.spelled()) instanceof Pin.Url p && !p.files().isEmpty() ? p : null;
    }

    /**
     * Whether the store holds the file of a URL source: of the pinned size when pinned, else with an integrity record
     * of its size (a file another run downloaded and pinned elsewhere, or before the lock file was reset), {@code meta}
     * being that record as read once by the caller when there is no pin.
     */
    private static boolean isStored(Path file, Pin.Url pin, Map<String, Object> meta) {
        if (pin != null) {
            return sizeMatches(file, pin.files().get(0).size());
        }
        return meta != null && sizeMatches(file, JsonValues.longValue(meta, "size", -2));
    }

    /** Supplies the shared HTTP client on first need. */
    interface HttpSupplier {
        Http get() throws IOException;
    }

    private record Probe(HttpUrl finalUrl, long size, String etag, String lastModified) {
        /** A strong ETag, else Last-Modified, for If-Range; null when neither. */
        String validator() {
            if (etag != null && !etag.startsWith("W/")) {
                return etag;
            }
            return lastModified;
        }
    }

    /** HEAD, following redirects, for the final URL, size and validators; a server refusing HEAD gets a plain GET. */
    private Probe probe(Http client, HttpUrl url) throws IOException {
        try (Response response = client.execute(client.request(url).head().build(), Http.Redirects.ALL)) {
            if (response.isSuccessful()) {
                return new Probe(response.request().url(), parseLong(response.header("Content-Length")),
                        response.header("ETag"), response.header("Last-Modified"));
            }
            if (response.code() != 405 && response.code() != 501 && response.code() != 403) {
                throw new StoreException("cannot download " + Http.describe(url) + ": HTTP " + response.code()
                        + " from " + Http.describe(response.request().url()) + "; check the URL"
                        + (response.code() == 401 ? ", or give a token with the key token" : ""));
            }
        }
        return new Probe(url, -1, null, null);
    }

    private static long parseLong(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException ex) {
            return -1;
        }
    }

    private static boolean sizeMatches(Path file, long size) {
        try {
            return Files.isRegularFile(file) && size >= 0 && Files.size(file) == size;
        } catch (IOException ex) {
            return false;
        }
    }

    /** The integrity record of a stored file, or null when absent or unreadable. */
    static Map<String, Object> readMeta(Path file) {
        Path meta = UrlLayout.meta(file);
        try {
            return Files.isRegularFile(meta) ? Json.parseObject(Files.readString(meta, StandardCharsets.UTF_8)) : null;
        } catch (IOException | JsonException ex) {
            return null;
        }
    }

    private void writeMeta(Path file, Source.Url source, Probe probe, Hashing.Digests digests) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("url", source.url().text());
        meta.put("finalUrl", recordedFinalUrl(probe));
        meta.put("etag", probe.etag);
        meta.put("lastModified", probe.lastModified);
        meta.put("size", digests.size());
        meta.put("sha256", digests.sha256());
        meta.put("downloaded", Instant.now().toString());
        AtomicFiles.writeString(UrlLayout.meta(file), Json.write(meta));
    }

    private Pin.Url pinFromMeta(Source.Url source, Path file, Map<String, Object> meta) {
        String relative = context.root.relativize(file).toString().replace('\\', '/');
        return new Pin.Url(source.url().text(), JsonValues.string(meta, "finalUrl"),
                JsonValues.string(meta, "etag"), JsonValues.string(meta, "lastModified"),
                List.of(new PinnedFile(relative, JsonValues.longValue(meta, "size", -1),
                        JsonValues.requiredString(meta, "sha256"), null)));
    }
}
