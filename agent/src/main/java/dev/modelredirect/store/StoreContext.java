package dev.modelredirect.store;

import dev.modelredirect.fetch.FileDownloader;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.files.DiskSpace;
import dev.modelredirect.hub.HubClient;
import dev.modelredirect.log.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the resolvers of one store share: its root, lock file, mode, progress display, and the network parts, made
 * only on first need so an offline run or a run of hits never creates an HTTP client.
 */
final class StoreContext {
    /** Builds the network parts on first use. */
    interface Network {
        HubClient hub() throws IOException;

        FileDownloader downloader() throws IOException;
    }

    final Path root;
    final HubLayout hub;
    final UrlLayout url;
    final LockFile lockFile;
    final boolean offline;
    final ProgressListener progress;
    private final Network network;
    private final boolean readOnly;

    StoreContext(Path root, LockFile lockFile, boolean offline, ProgressListener progress, Network network) {
        this.root = root;
        this.hub = new HubLayout(root.resolve("hub"));
        this.url = new UrlLayout(root.resolve("url"));
        this.lockFile = lockFile;
        this.offline = offline;
        this.progress = progress;
        this.network = network;
        this.readOnly = !isWritable(root);
    }

    /** A store is writable when its root, or the first folder that exists above it, is. */
    static boolean isWritable(Path root) {
        Path dir = root;
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        return dir != null && Files.isWritable(dir);
    }

    boolean readOnly() {
        return readOnly;
    }

    HubClient hubClient() throws IOException {
        return network.hub();
    }

    FileDownloader downloader() throws IOException {
        return network.downloader();
    }

    /** Throws the error of a miss that may not download: offline, or a read-only store. */
    void checkCanDownload(String source) throws StoreException {
        if (offline) {
            throw new StoreException(source + " is not in the store " + root + " and offline=true, so nothing is "
                    + "downloaded. Fetch it where the network is reachable with `java -jar model-redirect.jar pull "
                    + source + "` (then carry the store over), or set offline=false");
        }
        if (readOnly) {
            throw new StoreException(source + " is not in the store " + root + ", and the store is read-only, so "
                    + "nothing is written. Pre-fill it where it is writable with `java -jar model-redirect.jar pull "
                    + source + " --store " + root + "`, or point the store key at a writable folder");
        }
    }

    /** Throws the error of an update that may not connect or write: offline, or a read-only store. */
    void checkCanUpdate(String source) throws StoreException {
        if (offline) {
            throw new StoreException("cannot update " + source + ": offline=true, so no connection is opened. Run "
                    + "`java -jar model-redirect.jar pull --update " + source + "` where the network is reachable, or "
                    + "set offline=false");
        }
        if (readOnly) {
            throw new StoreException("cannot update " + source + ": the store " + root + " is read-only, so nothing "
                    + "is written. Update it where it is writable, or point the store key at a writable folder");
        }
    }

    /**
     * Fails before a download of {@code needed} more bytes into {@code dir} that the store's disk cannot hold, with
     * the one line that names the store and the space needed; a negative {@code needed} (unknown) passes.
     */
    void checkRoom(String source, Path dir, long needed) throws StoreException {
        long free = DiskSpace.usable(dir);
        if (needed > 0 && free < needed) {
            throw new StoreException("not enough space in the store " + root + " for " + source + ": it needs "
                    + Sizes.human(needed) + " more and " + Sizes.human(free) + " is free; nothing was downloaded. "
                    + "Free space there, or point the store key at a larger disk, then run the same command again");
        }
    }

    /**
     * The error of a download that filled the store's disk ({@code cause}), naming the store, what it still needed
     * ({@code needed}, negative when the size is unknown) and what to do; the partial file stays for a resume.
     */
    StoreException full(String source, Path dir, long needed, IOException cause) {
        long free = DiskSpace.usable(dir);
        String space = needed > 0 ? "it needs " + Sizes.human(needed) + " and " + Sizes.human(free) + " is free"
                : "its size was not announced and " + Sizes.human(free) + " is free";
        return new StoreException("the disk of the store " + root + " is full while downloading " + source + " ("
                + space + "); nothing was stored under its final name. Free space there, or point the store key at "
                + "a larger disk, then run the same command again (it resumes), or run `gc` to remove the partial "
                + "download", cause);
    }

    /** Records a pin unless the store is read-only; a failure to write is a warning, never a failed resolution. */
    void pin(String source, Pin pin) {
        if (readOnly) {
            return;
        }
        try {
            lockFile.put(source, pin);
        } catch (IOException ex) {
            dev.modelredirect.log.Log.warn("could not record %s in the lock file %s (%s); the model is in the store"
                    + " but not pinned. Check the lock file's permissions", source, lockFile.path(), ex.getMessage());
        }
    }
}
