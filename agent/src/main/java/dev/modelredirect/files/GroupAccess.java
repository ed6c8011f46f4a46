package dev.modelredirect.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The permission policy of everything the store creates, so that a store can be shared by the users of one group.
 *
 * <p>Files and folders are created with the process's umask ({@code 0666 & ~umask}, {@code 0777 & ~umask}; never the
 * private {@code 0600} of {@link Files#createTempFile}). In addition, an entry created inside a <em>team folder</em>, a
 * folder writable by its group (or set-group-ID) but not by everyone (a team store made with
 * {@code chgrp team DIR; chmod 2775 DIR}),
 * gives its group the access its owner has ({@code g=u}: files {@code rw}, folders {@code rwx}), whatever the
 * umask, so that the other members can read it, add files beside it and open its lock files for writing. The
 * set-group-ID bit of a folder is kept (Linux passes it and the group down to new sub-folders), and a set-group-ID
 * folder counts as a team folder too, so a folder another process has just made in a team store is one before its
 * mode is widened. Bits for others always follow the umask. A folder writable by everyone ({@code /tmp}) is never a
 * team folder.
 *
 * <p>Widening is best effort: it needs a POSIX file system and ownership of the entry; where it cannot be done the
 * entry keeps the umask's mode.
 */
public final class GroupAccess {
    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final int SET_GROUP_ID = 02000;
    private static final int GROUP_WRITE = 0020;
    private static final int OTHERS_WRITE = 0002;
    /** Folders this process is making in a team folder: team folders already, before their mode is widened. */
    private static final Set<Path> MAKING = ConcurrentHashMap.newKeySet();

    private GroupAccess() {
    }

    /** Whether {@code dir} is a team folder: writable by its group or set-group-ID, and not writable by everyone. */
    public static boolean isTeamFolder(Path dir) {
        if (!UNIX) {
            return false;
        }
        if (MAKING.contains(dir.toAbsolutePath())) {
            return true;
        }
        try {
            int mode = mode(dir, true);
            return (mode & (GROUP_WRITE | SET_GROUP_ID)) != 0 && (mode & OTHERS_WRITE) == 0;
        } catch (IOException | RuntimeException ex) {
            return false;
        }
    }

    /**
     * Gives the group the owner's access to {@code created} when its parent folder is a team folder. Symbolic links are
     * left alone (their mode means nothing); so is an entry this process does not own.
     */
    public static void share(Path created) {
        if (!UNIX) {
            return;
        }
        Path parent = created.toAbsolutePath().getParent();
        if (parent == null || !isTeamFolder(parent)) {
            return;
        }
        widen(created);
    }

    /** {@link #share} for {@code root} and everything below it (an unpacked archive, before it is published). */
    public static void shareTree(Path root) throws IOException {
        if (!UNIX || root.toAbsolutePath().getParent() == null
                || !isTeamFolder(root.toAbsolutePath().getParent())) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.forEach(GroupAccess::widen);
        }
    }

    /**
     * {@link Files#createDirectories}, with {@link #share} applied to every folder it creates. A folder another
     * process creates at the same moment is accepted as it is. Whether the folders are team folders is decided once, by
     * the first folder that exists above them.
     */
    public static Path createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path absolute = dir.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            missing.push(existing);
            existing = existing.getParent();
        }
        boolean team = existing != null && isTeamFolder(existing);
        while (!missing.isEmpty()) {
            Path next = missing.pop();
            if (team) {
                MAKING.add(next);
            }
            try {
                Files.createDirectory(next);
            } catch (FileAlreadyExistsException race) {
                if (!Files.isDirectory(next)) {
                    throw race;
                }
            } finally {
                if (team) {
                    widen(next);
                    MAKING.remove(next);
                }
            }
        }
        return dir;
    }

    private static void widen(Path entry) {
        try {
            if (Files.isSymbolicLink(entry)) {
                return;
            }
            int mode = mode(entry, false);
            int widened = mode | ((mode & 0700) >> 3);
            if (widened != mode) {
                Files.setAttribute(entry, "unix:mode", widened & 07777, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException | RuntimeException notOurs) {
            // not the owner, or no POSIX modes here: the umask's mode stays
        }
    }

    private static int mode(Path path, boolean follow) throws IOException {
        return follow ? (Integer) Files.getAttribute(path, "unix:mode")
                : (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }
}
