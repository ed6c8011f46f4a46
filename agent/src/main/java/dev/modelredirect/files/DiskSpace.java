package dev.modelredirect.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free space: how much a folder's file system has for this process, and whether an I/O error is that file system
 * being full ({@code ENOSPC}, or a quota), so a download stops at once instead of retrying what cannot succeed.
 */
public final class DiskSpace {
    private DiskSpace() {
    }

    /**
     * Usable bytes on the file system of {@code dir}, or of the nearest folder above it that exists;
     * {@link Long#MAX_VALUE} when the file system does not say.
     */
    public static long usable(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Long.MAX_VALUE;
        }
        try {
            long usable = Files.getFileStore(existing).getUsableSpace();
            return usable <= 0 && usable != 0 ? Long.MAX_VALUE : usable;
        } catch (IOException | SecurityException ex) {
            return Long.MAX_VALUE;
        }
    }

    /** Whether {@code error}, or one of its causes, says the file system is full or over quota. */
    public static boolean isFull(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota "
                    + "exceeded") || message.contains("There is not enough space on the disk"))) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
