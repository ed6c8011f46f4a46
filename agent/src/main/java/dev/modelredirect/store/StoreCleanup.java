package dev.modelredirect.store;

import dev.modelredirect.files.FileTrees;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The deletions of one {@code rm} or {@code gc}: each path deleted (or, in a dry run, only recorded) with its size and
 * why, and what was kept and why. Deleting a file also deletes the folders it leaves empty, up to the store's own
 * folders; nothing follows links.
 */
public final class StoreCleanup {
    /**
     * One deleted (or, dry, deletable) thing.
     *
     * @param path  what
     * @param bytes its size
     * @param why   what it was, in a few words
     */
    public record Removed(Path path, long bytes, String why) {
    }

    /**
     * What a removal or collection did.
     *
     * @param removed what was deleted (or would be)
     * @param kept    what was left alone, and why
     */
    public record Outcome(List<Removed> removed, List<String> kept) {
        /** Bytes that came back. */
        public long bytes() {
            return removed.stream().mapToLong(Removed::bytes).sum();
        }
    }

    private static final Set<String> STORE_FOLDERS = Set.of("hub", "url", UnpackedLayout.FOLDER, "blobs",
            "snapshots", "refs");

    private final Path root;
    private final boolean dryRun;
    private final List<Removed> removed = new ArrayList<>();
    private final List<String> kept = new ArrayList<>();

    /**
     * @param root   the store root
     * @param dryRun record, delete nothing
     */
    public StoreCleanup(Path root, boolean dryRun) {
        this.root = root;
        this.dryRun = dryRun;
    }

    public boolean dryRun() {
        return dryRun;
    }

    /** The error for a read-only store: nothing can be deleted. */
    public static StoreException readOnly(Path root, String command) {
        return new StoreException("the store " + root + " is read-only (a read-only mount, or no write permission), "
                + "so `" + command + "` deletes nothing; run it where the store is writable (e.g. on the machine "
                + "that fills it), or give a writable store with --store");
    }

    /** What was deleted and kept so far. */
    public Outcome outcome() {
        return new Outcome(List.copyOf(removed), List.copyOf(kept));
    }

    /** Records that something was left alone, and why. */
    void keep(String why) {
        kept.add(why);
    }

    /** Whether {@code path} was deleted (or would be), itself or a folder above it. */
    boolean isRemoved(Path path) {
        return removed.stream().anyMatch(r -> path.startsWith(r.path()));
    }

    /** Deletes a file or a whole folder, counting {@code bytes}. */
    void removeTree(Path path, long bytes, String why) throws IOException {
        checkInside(path);
        removed.add(new Removed(path, bytes, why));
        if (!dryRun) {
            FileTrees.deleteTree(path);
        }
    }

    /** Deletes one file or link (not followed), and the folders it leaves empty. */
    void delete(Path path, String why) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        checkInside(path);
        removed.add(new Removed(path, Files.isSymbolicLink(path) ? 0 : StoreInventory.sizeOf(path), why));
        if (!dryRun) {
            Files.deleteIfExists(path);
            deleteEmptyParents(path.getParent());
        }
    }

    /** Deletes a folder without counting it: its files were counted one by one. */
    void deleteFolder(Path folder) throws IOException {
        checkInside(folder);
        if (!dryRun && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            FileTrees.deleteTree(folder);
        }
    }

    /**
     * Refuses a path outside the store: the path itself (normalised), and the real folder that holds it (so a folder
     * link inside the store that leads out is not followed into someone else's files; a top-level folder such as
     * {@code hub/} that the user linked to another disk counts as the store). Whatever names it, a lock
     * file or a cache written by others, nothing outside the store is ever deleted.
     */
    void checkInside(Path path) throws StoreException {
        Path normalRoot = root.toAbsolutePath().normalize();
        Path normal = path.toAbsolutePath().normalize();
        boolean inside = normal.startsWith(normalRoot) && !normal.equals(normalRoot);
        if (inside) {
            try {
                Path realParent = normal.getParent().toRealPath();
                // a top-level folder of the store may be a link the user made (hub/ on another disk); deeper links
                // are not followed out
                Path top = normalRoot.resolve(normalRoot.relativize(normal).getName(0));
                inside = realParent.startsWith(normalRoot.toRealPath())
                        || (!top.equals(normal) && realParent.startsWith(top.toRealPath()));
            } catch (NoSuchFileException gone) {
                inside = true;
            } catch (IOException ex) {
                inside = false;
            }
        }
        if (!inside) {
            throw new StoreException("refused to delete " + path + ": it is not inside the store " + root
                    + " (a lock file or a link in the store names a place outside it). Nothing outside the store is "
                    + "ever deleted; check the lock file and the store's folders for links, then run the command "
                    + "again");
        }
    }

    /** Deletes empty folders up from {@code dir}, stopping at the first that is not empty or at a store folder. */
    private void deleteEmptyParents(Path dir) {
        Path normalRoot = root.toAbsolutePath().normalize();
        dir = dir == null ? null : dir.toAbsolutePath().normalize();
        while (dir != null && dir.startsWith(normalRoot) && !dir.equals(normalRoot)
                && !STORE_FOLDERS.contains(dir.getFileName().toString())) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException stop) {
                return;
            } catch (IOException ex) {
                return;
            }
            dir = dir.getParent();
        }
    }
}
