package dev.modelredirect.archive;

import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.FileTrees;
import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.files.SafePaths;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks {@code .zip}, {@code .tar}, {@code .tar.gz} and {@code .tgz} archives into a folder, safely and atomically.
 *
 * <p>Safe: every entry name passes {@link SafePaths} (no absolute, drive, UNC or {@code ..} path: zip-slip is
 * refused); a symbolic link must point inside the folder and is made only after every file, so no entry can be
 * written through one; a hard link must name an entry already unpacked; device and FIFO entries are refused.
 * Atomic: the archive is unpacked into a temporary sibling folder that is renamed onto the target at the end, so the
 * target either does not exist or is complete; a refused archive leaves nothing behind.
 */
public final class Unpacker {
    private Unpacker() {
    }

    /** Whether a file name has an archive extension this class unpacks. */
    public static boolean isArchive(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".zip") || lower.endsWith(".tar") || lower.endsWith(".tar.gz")
                || lower.endsWith(".tgz");
    }

    /** The name without its archive extension: {@code resnet18.tar.gz} gives {@code resnet18}. */
    public static String baseName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".tar.gz", ".tgz", ".zip", ".tar"}) {
            if (lower.endsWith(ext)) {
                return name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }

    /**
     * Unpacks {@code archive} into {@code target}, which must not exist yet (an existing complete target is left as
     * it is and returned, so concurrent unpackers agree).
     *
     * @throws ArchiveException for an unknown format, a corrupt archive, or an entry that would escape
     */
    public static Path unpack(Path archive, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            return target;
        }
        GroupAccess.createDirectories(target.getParent());
        Path work = AtomicFiles.temporarySibling(target);
        Files.createDirectory(work);
        try {
            String name = archive.getFileName().toString().toLowerCase(Locale.ROOT);
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
                if (name.endsWith(".zip")) {
                    unzip(raw, work, archive);
                } else if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
                    untar(new GZIPInputStream(raw, 1 << 16), work, archive);
                } else if (name.endsWith(".tar")) {
                    untar(raw, work, archive);
                } else {
                    throw new ArchiveException("cannot unpack " + archive.getFileName()
                            + ": only .zip, .tar, .tar.gz and .tgz are supported");
                }
            } catch (java.util.zip.ZipException ex) {
                throw new ArchiveException("cannot unpack " + archive + ": " + ex.getMessage()
                        + "; the archive is corrupt: delete it from the store and download it again", ex);
            }
            GroupAccess.shareTree(work);
            try {
                java.nio.file.Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException otherUnpackerWon) {
                deleteTree(work);
            }
            return target;
        } catch (IOException | RuntimeException ex) {
            deleteTree(work);
            throw ex;
        }
    }

    private static void unzip(InputStream raw, Path work, Path archive) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(raw)) {
            ZipEntry entry;
            boolean any = false;
            while ((entry = zip.getNextEntry()) != null) {
                any = true;
                String entryName = stripTrailingSlash(entry.getName());
                if (entryName.isEmpty()) {
                    continue;
                }
                Path path = checked(work, entryName, archive);
                if (entry.isDirectory()) {
                    GroupAccess.createDirectories(path);
                } else {
                    writeFile(zip, path, work);
                }
            }
            if (!any) {
                throw new ArchiveException("cannot unpack " + archive + ": it is not a zip archive or it is empty");
            }
        }
    }

    private record Link(Path path, String target, boolean symbolic) {
    }

    private static void untar(InputStream in, Path work, Path archive) throws IOException {
        TarReader tar = new TarReader(in);
        List<Link> links = new ArrayList<>();
        TarReader.Entry entry;
        while ((entry = tar.next()) != null) {
            String entryName = stripTrailingSlash(entry.name());
            if (entryName.isEmpty() || entryName.equals(".")) {
                continue;
            }
            if (entryName.startsWith("./")) {
                entryName = entryName.substring(2);
            }
            Path path = checked(work, entryName, archive);
            switch (entry.type()) {
                case '0':
                case '7':
                    writeFile(tar.data(), path, work);
                    break;
                case '5':
                    GroupAccess.createDirectories(path);
                    break;
                case '2':
                    checkSymlink(work, path, entry.linkName(), archive, entryName);
                    links.add(new Link(path, entry.linkName(), true));
                    break;
                case '1':
                    checked(work, entry.linkName(), archive);
                    links.add(new Link(path, entry.linkName(), false));
                    break;
                default:
                    throw new ArchiveException("refused to unpack " + archive.getFileName() + ": entry '" + entryName
                            + "' is of tar type '" + entry.type() + "' (device, FIFO or unknown)");
            }
        }
        for (Link link : links) {
            checkNoSymlinkAbove(work, link.path(), archive);
            GroupAccess.createDirectories(link.path().getParent());
            if (Files.exists(link.path(), LinkOption.NOFOLLOW_LINKS)) {
                throw new ArchiveException("refused to unpack " + archive.getFileName() + ": '"
                        + work.relativize(link.path()) + "' is both a link and another entry of the archive");
            }
            if (link.symbolic()) {
                Files.createSymbolicLink(link.path(), Path.of(link.target()));
            } else {
                Path existing = checked(work, link.target(), archive);
                if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ArchiveException("refused to unpack " + archive.getFileName() + ": hard link '"
                            + work.relativize(link.path()) + "' names '" + link.target()
                            + "', which is not a file of the archive");
                }
                Files.createLink(link.path(), existing);
            }
        }
    }

    private static void checkSymlink(Path work, Path link, String target, Path archive, String entryName)
            throws ArchiveException {
        Path resolved;
        try {
            resolved = Path.of(target).isAbsolute() ? null : link.getParent().resolve(target).normalize();
        } catch (java.nio.file.InvalidPathException ex) {
            resolved = null;
        }
        if (target.isEmpty() || resolved == null || !resolved.startsWith(work) || target.indexOf('\\') >= 0) {
            throw new ArchiveException("refused to unpack " + archive.getFileName() + ": symbolic link '" + entryName
                    + "' points to '" + target + "', outside the folder it is unpacked into");
        }
    }

    private static Path checked(Path work, String entryName, Path archive) throws ArchiveException {
        String problem = SafePaths.problem(entryName);
        if (problem != null) {
            throw new ArchiveException("refused to unpack " + archive.getFileName() + ": entry '" + entryName
                    + "' is unsafe (" + problem + "); an archive may only hold relative paths inside itself");
        }
        return work.resolve(entryName).normalize();
    }

    private static void checkNoSymlinkAbove(Path work, Path path, Path archive) throws ArchiveException {
        for (Path dir = path.getParent(); dir != null && dir.startsWith(work) && !dir.equals(work);
                dir = dir.getParent()) {
            if (Files.isSymbolicLink(dir)) {
                throw new ArchiveException("refused to unpack " + archive.getFileName() + ": entry '"
                        + work.relativize(path) + "' lies below the symbolic link '" + work.relativize(dir) + "'");
            }
        }
    }

    private static void writeFile(InputStream data, Path path, Path work) throws IOException {
        GroupAccess.createDirectories(path.getParent());
        Files.copy(data, path, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String stripTrailingSlash(String name) {
        String result = name;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static void deleteTree(Path dir) {
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException ignored) {
            // a leftover temporary folder is removed by gc
        }
    }
}
