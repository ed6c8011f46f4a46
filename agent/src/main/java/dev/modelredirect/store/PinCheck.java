package dev.modelredirect.store;

import dev.modelredirect.hub.RepoId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares the lock file with the store by names and sizes only (hashing is {@code verify}'s job): where each pinned
 * file should be, and whether it is there with its recorded size. Never connects, never writes.
 */
public final class PinCheck {
    /** What the store holds for one pinned file. */
    public enum State { PRESENT, MISSING, WRONG_SIZE }

    /**
     * One pinned file and its state.
     *
     * @param source the source it belongs to
     * @param file   its record in the lock file
     * @param path   where it should be
     * @param state  whether it is there with its recorded size
     */
    public record Entry(String source, PinnedFile file, Path path, State state) {
    }

    private PinCheck() {
    }

    /** Every pinned file of the store's lock file, in the lock file's order. */
    public static List<Entry> check(ModelStore store) throws StoreException {
        HubLayout hub = new HubLayout(store.root().resolve("hub"));
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Pin> pinned : store.lockFile().all().entrySet()) {
            Pin pin = pinned.getValue();
            for (PinnedFile file : pin.files()) {
                Path path = where(store.root(), hub, pin, file);
                entries.add(new Entry(pinned.getKey(), file, path, stateOf(path, file.size())));
            }
        }
        return entries;
    }

    private static Path where(Path root, HubLayout hub, Pin pin, PinnedFile file) throws StoreException {
        try {
            if (pin instanceof Pin.Hub hubPin) {
                RepoId repo = StoreInventory.repoOf(hubPin);
                if (repo == null) {
                    throw new IllegalArgumentException("the repository '" + hubPin.repo() + "' is not ORG/NAME");
                }
                return hub.snapshotFile(repo, hubPin.commit(), file.path());
            }
            return dev.modelredirect.files.SafePaths.resolve(root, file.path(), "pinned path");
        } catch (IOException | IllegalArgumentException ex) {
            throw new StoreException("the lock file pins an unusable path '" + file.path() + "' (" + ex.getMessage()
                    + "); fix or delete that entry");
        }
    }

    private static State stateOf(Path path, long size) {
        try {
            if (!Files.isRegularFile(path)) {
                return State.MISSING;
            }
            return size < 0 || Files.size(path) == size ? State.PRESENT : State.WRONG_SIZE;
        } catch (IOException ex) {
            return State.MISSING;
        }
    }
}
