package dev.modelredirect.hooks;

import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.FileTrees;
import dev.modelredirect.files.GroupAccess;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Brings a local file or folder into the store for the {@code paths} key: hard links where the file system allows
 * (no byte stored twice), copies elsewhere; the old location is left as it was. The result appears atomically.
 */
final class LocalImport {
    private LocalImport() {
    }

    static void copyInto(Path source, Path target) throws IOException {
        GroupAccess.createDirectories(target.getParent());
        Path work = AtomicFiles.temporarySibling(target);
        try {
            if (Files.isDirectory(source)) {
                List<Path> all;
                try (Stream<Path> walk = Files.walk(source)) {
                    all = walk.toList();
                }
                for (Path from : all) {
                    Path to = work.resolve(source.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        GroupAccess.createDirectories(to);
                    } else {
                        linkOrCopy(from, to);
                    }
                }
            } else {
                linkOrCopy(source, work);
            }
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            FileTrees.deleteTree(work);
        }
    }

    private static void linkOrCopy(Path from, Path to) throws IOException {
        GroupAccess.createDirectories(to.getParent());
        try {
            Files.createLink(to, from.toRealPath());
        } catch (FileSystemException | UnsupportedOperationException ex) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            GroupAccess.share(to);
        }
    }
}
