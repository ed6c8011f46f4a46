package dev.modelredirect.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Publication without partial states: a file is written under a unique temporary name in its final directory, forced
 * to disk, then renamed over its final name, and the directory is forced too. Readers see the old file or the new one,
 * never a mix; a crash leaves at worst a temporary file that {@code gc} removes.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** A unique temporary name beside {@code target}: {@code .NAME.<random>.tmp}. */
    public static Path temporarySibling(Path target) {
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffffL);
        return target.resolveSibling("." + target.getFileName() + "." + random + ".tmp");
    }

    /** Writes text atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes bytes atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        GroupAccess.createDirectories(target.getParent());
        Path temp = temporarySibling(target);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                GroupAccess.share(temp);
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            move(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Renames {@code source} over {@code target} atomically, then forces the directory. */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException ex) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(target.getParent());
    }

    /**
     * Creates {@code link} pointing to the relative {@code target} atomically; where symbolic links are impossible, a
     * hard link to {@code blob}, and failing that a copy of it.
     */
    public static void link(Path link, Path relativeTarget, Path blob) throws IOException {
        GroupAccess.createDirectories(link.getParent());
        Path temp = temporarySibling(link);
        try {
            try {
                Files.createSymbolicLink(temp, relativeTarget);
            } catch (UnsupportedOperationException | FileSystemException noSymlinks) {
                if (noSymlinks instanceof FileAlreadyExistsException) {
                    throw (FileAlreadyExistsException) noSymlinks;
                }
                try {
                    Files.createLink(temp, blob);
                } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
                    Files.copy(blob, temp, StandardCopyOption.REPLACE_EXISTING);
                    GroupAccess.share(temp);
                }
            }
            move(temp, link);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Forces a directory's entries to disk where the platform allows it (not on Windows). */
    public static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Directories cannot be opened for sync on some platforms; the rename is still atomic.
        }
    }
}
