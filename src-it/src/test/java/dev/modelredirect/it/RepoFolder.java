package dev.modelredirect.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** One repository's folder in a store's Hub cache, {@code <store>/hub/models--ORG--NAME}, as the tests look at it. */
public record RepoFolder(Path dir) {
    /** The folder of model {@code org/name} in the store rooted at {@code store}. */
    public static RepoFolder model(Path store, String id) {
        return new RepoFolder(store.resolve("hub").resolve("models--" + id.replace("/", "--")));
    }

    public Path blob(String etag) {
        return dir.resolve("blobs").resolve(etag);
    }

    public Path snapshot(String commit) {
        return dir.resolve("snapshots").resolve(commit);
    }

    public Path snapshotFile(String commit, String path) {
        return snapshot(commit).resolve(path);
    }

    /** Whether a path exists as anything, a dangling link included. */
    public static boolean present(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** Temporary files of downloads ({@code *.incomplete}, chunk journal in their trailer) in blobs/. */
    public List<Path> partialFiles() {
        return files(dir.resolve("blobs"), name -> name.endsWith(".incomplete"));
    }

    /** Temporary files anywhere in the store: download temp files, journals, and the {@code .tmp} files of writes. */
    public static List<Path> temporaryFilesUnder(Path store) {
        try (Stream<Path> all = Files.walk(store)) {
            return all.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".incomplete") || name.endsWith(".parts") || name.endsWith(".tmp")
                        || name.endsWith(".new");
            }).toList();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<Path> files(Path folder, java.util.function.Predicate<String> name) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> name.test(p.getFileName().toString())).sorted().toList();
        } catch (IOException ex) {
            // a file renamed away between listing and reading: list again next poll
            return List.of();
        }
    }

    /** The sha256 of a file's bytes, in hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
