package dev.modelredirect.carry;

import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.files.SafePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Brings a plain folder tree into a folder of the store, file by file (hard links where possible): used for legacy
 * models folders and for the parts of a DJL cache. Symbolic links are not followed; a file the store already has
 * with the same bytes is counted as present, one with other bytes is kept and the new one skipped.
 */
final class FolderMigration {
    private final Path base;
    private final Path storeRoot;
    private final FileLinker linker;
    private final MigrationReport report;

    /**
     * @param base      what reported paths are relative to
     * @param storeRoot what store paths are reported relative to
     */
    FolderMigration(Path base, Path storeRoot, FileLinker linker, MigrationReport report) {
        this.base = base;
        this.storeRoot = storeRoot;
        this.linker = linker;
        this.report = report;
    }

    /** Every file under {@code from} to the same relative path under {@code to}. */
    void copyTree(Path from, Path to) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(from)) {
            entries = walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path entry : entries) {
            String label = base.relativize(entry).toString();
            String relative = from.relativize(entry).toString().replace('\\', '/');
            if (Files.isSymbolicLink(entry)) {
                report.skipped(label, "a symbolic link; links are not followed (import what it points to instead)");
                continue;
            }
            if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                report.skipped(label, "not a regular file");
                continue;
            }
            if (entry.getFileName().toString().endsWith(".incomplete")
                    || entry.getFileName().toString().endsWith(".tmp")) {
                report.skipped(label, "a temporary file of an unfinished download");
                continue;
            }
            String problem = SafePaths.problem(relative);
            if (problem != null) {
                report.skipped(label, "its name is not usable in the store: " + problem);
                continue;
            }
            Path target = to.resolve(relative);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (sameBytes(entry, target)) {
                    report.alreadyPresent();
                } else {
                    report.skipped(label, "the store already has another file at " + storeRoot.relativize(target)
                            + "; kept the store's (remove it first to import this one)");
                }
                continue;
            }
            FileLinker.How how = linker.place(entry, target);
            report.imported(label, storeRoot.relativize(target).toString(), Files.size(entry), how);
        }
    }

    private static boolean sameBytes(Path a, Path b) throws IOException {
        if (!Files.isRegularFile(b) || Files.size(a) != Files.size(b)) {
            return false;
        }
        if (Files.isSameFile(a, b)) {
            return true;
        }
        Hashing.Digests left = Hashing.digestsOf(a);
        Hashing.Digests right = Hashing.digestsOf(b);
        return left.sha256().equals(right.sha256());
    }
}
