package dev.modelredirect.store;

import dev.modelredirect.fetch.DownloadJob;
import dev.modelredirect.fetch.DownloadLocation;
import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.fetch.FileDownloader;
import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.fetch.Http;
import dev.modelredirect.fetch.IntegrityException;
import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * Answers the files of the DJL model repository from {@code <store>/zoo} ({@link ZooLayout}): a hit when the file is
 * there (of its pinned size, or verified and pinned now when the lock file does not know it), else one download from
 * {@code djl-endpoint}, verified against the pinned sha256 and DJL's own sha1 and size from the metadata, published
 * atomically, and pinned under its source. Offline or on a read-only store a miss fails with the message that names
 * the {@code pull} command; a file that fails verification is never published.
 */
final class ZooResolver {
    private final StoreContext context;
    private final ZooLayout layout;
    /** The {@code djl-endpoint} text; parsed on first download only (parsing loads OkHttp's URL code). */
    private final String djlEndpoint;

    ZooResolver(StoreContext context, String djlEndpoint) {
        this.context = context;
        this.layout = new ZooLayout(context.root.resolve(ZooLayout.FOLDER));
        this.djlEndpoint = djlEndpoint;
    }

    ZooLayout layout() {
        return layout;
    }

    /** The local file when the store has it (of its pinned size when pinned); never connects or writes. */
    Path lookup(String source, String repositoryPath) throws IOException {
        String path = ZooLayout.checkedPath(repositoryPath);
        Path file = layout.file(path);
        PinnedFile pinned = pinnedFile(source, path);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        return pinned == null || Files.size(file) == pinned.size() ? file : null;
    }

    /**
     * The store's file for {@code request}, downloading it on a miss; null only for an optional file that is missing
     * and may not be (or cannot be) downloaded.
     */
    Resolution resolve(ZooFile request, UrlResolver.HttpSupplier httpSupplier) throws IOException {
        long start = System.nanoTime();
        String path = ZooLayout.checkedPath(request.repositoryPath());
        Path file = layout.file(path);
        String label = request.source() + " " + path;
        PinnedFile pinned = pinnedFile(request.source(), path);
        if (Files.isRegularFile(file)) {
            if (pinned != null && Files.size(file) == pinned.size()) {
                recordVersion(request);
                return new Resolution(request.source(), file, context.root, true, 0, System.nanoTime() - start);
            }
            if (pinned == null && adoptUnpinned(request, path, file)) {
                return new Resolution(request.source(), file, context.root, true, 0, System.nanoTime() - start);
            }
        }
        if (request.optional() && (context.offline || context.readOnly())) {
            Log.debug("%s is not in the store and may not be downloaded; DJL uses its own copy", label);
            return null;
        }
        context.checkCanDownload(request.source());
        return fetch(request, path, file, false, httpSupplier, start);
    }

    /**
     * Downloads a file again whatever the store and the pin hold ({@code pull --update}), verified against DJL's sha1
     * when known, and moves its pin; the stored file is replaced only by verified bytes.
     */
    Resolution refresh(ZooFile request, UrlResolver.HttpSupplier httpSupplier) throws IOException {
        long start = System.nanoTime();
        String path = ZooLayout.checkedPath(request.repositoryPath());
        context.checkCanUpdate(request.source());
        return fetch(request, path, layout.file(path), true, httpSupplier, start);
    }

    private Resolution fetch(ZooFile request, String path, Path file, boolean refresh,
            UrlResolver.HttpSupplier httpSupplier, long start) throws IOException {
        String label = request.source() + " " + path;
        HttpUrl endpoint = HttpUrl.parse(djlEndpoint);
        HttpUrl url = endpoint == null ? null : endpoint.resolve(path);
        if (url == null) {
            throw new StoreException("cannot make a URL of djl-endpoint " + djlEndpoint + " and " + path);
        }
        Http client = httpSupplier.get();
        long transferred;
        Hashing.Digests digests;
        try (NamedLocks.Held lock = NamedLocks.acquire(layout.lock(path), label)) {
            PinnedFile pinned = refresh ? null : pinnedFile(request.source(), path);
            if (!refresh && Files.isRegularFile(file) && pinned != null && Files.size(file) == pinned.size()) {
                return new Resolution(request.source(), file, context.root, false, 0, System.nanoTime() - start);
            }
            if (request.optional() && !exists(client, url)) {
                Log.debug("%s: %s has no such file", label, Http.describe(url));
                return null;
            }
            GroupAccess.createDirectories(file.getParent());
            Path temp = PartialFiles.claim(file.getParent(), "." + file.getFileName());
            long size = pinned != null ? pinned.size() : request.size() > 0 ? request.size() : -1;
            List<ExpectedDigest> expected = pinned == null ? List.of() : List.of(ExpectedDigest.sha256(pinned.sha256()));
            FileDownloader.Result download = context.downloader().download(new DownloadJob(label,
                    DownloadLocation.fixed(url), size, null, temp, expected), context.progress);
            digests = download.digests();
            transferred = download.transferred();
            String problem = sha1Problem(request, temp);
            if (problem != null) {
                Files.deleteIfExists(temp);
                throw new IntegrityException("downloaded bytes of " + label + " from " + Http.describe(url)
                        + " do not verify (" + problem + "); nothing was stored. The mirror at djl-endpoint serves "
                        + "another file than its metadata describes: fix or refresh the mirror, then try again");
            }
            AtomicFiles.move(temp, file);
        }
        pin(request, path, digests.size(), digests.sha256());
        return new Resolution(request.source(), file, context.root, false, transferred, System.nanoTime() - start);
    }

    /** Pins a file present in the store that the lock file does not know, once its sha1 (when known) matches. */
    private boolean adoptUnpinned(ZooFile request, String path, Path file) throws IOException {
        if (request.size() > 0 && Files.size(file) != request.size()) {
            return false;
        }
        if (sha1Problem(request, file) != null) {
            Log.warn("%s in the store does not match its sha1 in the metadata; it is downloaded again", file);
            return false;
        }
        if (context.readOnly()) {
            return true;
        }
        pin(request, path, Files.size(file), Hashing.sha256Of(file));
        return true;
    }

    private void recordVersion(ZooFile request) {
        if (context.readOnly() || request.artifact() == null) {
            return;
        }
        try {
            Pin pin = context.lockFile.get(request.source());
            if (pin instanceof Pin.Djl djl && ((request.version() != null && !request.version().equals(djl.version()))
                    || (request.application() != null && !request.application().equals(djl.application())))) {
                context.pin(request.source(), djl.at(request.application(), request.version()));
            }
        } catch (StoreException ex) {
            Log.debug("lock file not readable: %s", ex.getMessage());
        }
    }

    private synchronized void pin(ZooFile request, String path, long size, String sha256) throws StoreException {
        Pin existing = context.lockFile.get(request.source());
        Pin.Djl pin = existing instanceof Pin.Djl djl ? djl
                : new Pin.Djl(request.group(), request.artifact(), request.application(), request.version(),
                        List.of());
        pin = pin.at(request.application(), request.version())
                .with(new PinnedFile(ZooLayout.pinPath(path), size, sha256, null));
        context.pin(request.source(), pin);
    }

    private PinnedFile pinnedFile(String source, String path) throws StoreException {
        Pin pin = context.lockFile.get(source);
        return pin instanceof Pin.Djl djl ? djl.file(ZooLayout.pinPath(path)) : null;
    }

    /** Why the bytes of {@code file} do not match the request's sha1, or null when they do (or none is known). */
    private static String sha1Problem(ZooFile request, Path file) throws IOException {
        if (request.sha1() == null || request.sha1().isBlank()) {
            return null;
        }
        String actual = sha1Of(file);
        return actual.equalsIgnoreCase(request.sha1().trim()) ? null
                : "sha1 " + actual + ", the metadata says " + request.sha1();
    }

    /** The plain SHA-1 of a file's bytes, as DJL's metadata records it. */
    static String sha1Of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) > 0; ) {
                sha1.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(sha1.digest());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Whether the endpoint has the file: a HEAD that does not answer 403, 404 or 410. */
    private static boolean exists(Http client, HttpUrl url) throws IOException {
        try (okhttp3.Response response = client.execute(client.request(url).head().build(), Http.Redirects.ALL)) {
            return response.code() != 404 && response.code() != 403 && response.code() != 410;
        }
    }
}
