package dev.modelredirect.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch folders under the build's {@code it.work} directory (in {@code target}), fresh for each use. */
public final class Scratch {
    private Scratch() {
    }

    /** The folder {@code it.work/NAME}, emptied if it exists. */
    public static Path fresh(String name) {
        Path dir = root().resolve(name);
        delete(dir);
        try {
            return Files.createDirectories(dir);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The {@code it.work} folder itself. */
    public static Path root() {
        String property = System.getProperty("it.work");
        if (property == null) {
            throw new IllegalStateException("system property it.work is not set; run the tests through Maven");
        }
        return Path.of(property).toAbsolutePath().normalize();
    }

    /** Deletes a file or a folder with everything in it; links are deleted, never followed. */
    public static void delete(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path each : all.sorted(Comparator.reverseOrder()).toList()) {
                each.toFile().setWritable(true);
                Files.deleteIfExists(each);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
