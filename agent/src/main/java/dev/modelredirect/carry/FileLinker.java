package dev.modelredirect.carry;

import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.GroupAccess;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Puts a file from outside the store at its place in the store without storing its bytes twice: a hard link when
 * both are on one file system, a copy otherwise. The file appears atomically (temporary name, then rename) and the
 * original is only read, never changed. In a dry run nothing is written, and the answer is what would be done.
 */
final class FileLinker {
    /** How a file got into the store. */
    enum How {
        LINKED, COPIED
    }

    private final boolean dryRun;

    FileLinker(boolean dryRun) {
        this.dryRun = dryRun;
    }

    boolean dryRun() {
        return dryRun;
    }

    /** Links (or copies) {@code from} to {@code to}, which must not exist yet. */
    How place(Path from, Path to) throws IOException {
        if (dryRun) {
            return sameFileStore(from, to) ? How.LINKED : How.COPIED;
        }
        GroupAccess.createDirectories(to.getParent());
        Path temp = AtomicFiles.temporarySibling(to);
        try {
            How how;
            try {
                Files.createLink(temp, from.toRealPath());
                how = How.LINKED;
            } catch (FileSystemException | UnsupportedOperationException ex) {
                Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
                GroupAccess.share(temp);
                how = How.COPIED;
            }
            AtomicFiles.move(temp, to);
            return how;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean sameFileStore(Path from, Path to) {
        try {
            Path existing = to;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            return existing != null && Files.getFileStore(from).equals(Files.getFileStore(existing));
        } catch (IOException ex) {
            return false;
        }
    }
}
