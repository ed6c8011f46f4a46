package dev.modelredirect.it;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What {@link dev.modelredirect.it.apps.RepositoryProbe} printed: the models DJL found, the cache folders it used. */
public final class ProbeOutput {
    /**
     * One model as DJL saw it.
     *
     * @param given           the URL the application gave (for {@code --criteria}: DJL's repository name, the element)
     * @param repositoryClass DJL's repository class, such as {@code SimpleRepository} or {@code SimpleUrlRepository}
     * @param baseUri         the repository's base URI: what DJL was really handed
     * @param name            the artifact's (model's) name
     * @param directory       where DJL has the model's files
     * @param files           the files there, relative, sorted
     * @param arguments       the artifact's arguments, {@code key=value&...} sorted by key
     */
    public record Model(String given, String repositoryClass, String baseUri, String name, Path directory,
            List<String> files, String arguments) {
        /** The base URI without its query, as a local path (it must be a {@code file:} URI). */
        public Path basePath() {
            URI uri = URI.create(baseUri);
            return Path.of(URI.create(uri.getScheme() + ":" + uri.getRawPath()));
        }
    }

    private ProbeOutput() {
    }

    /** The {@code model} lines of the output, in order. */
    public static List<Model> models(String stdout) {
        return stdout.lines().filter(line -> line.startsWith("model\t")).map(line -> {
            String[] f = line.split("\t", -1);
            return new Model(f[1], f[2], f[3], f[4], Path.of(f[5]),
                    f[6].isEmpty() ? List.of() : Arrays.asList(f[6].split(",")), f[7]);
        }).toList();
    }

    /** The one model of the output; fails when there is not exactly one. */
    public static Model single(String stdout) {
        List<Model> models = models(stdout);
        if (models.size() != 1) {
            throw new AssertionError("expected one model line, got " + models.size() + " in:\n" + stdout);
        }
        return models.get(0);
    }

    /** The value of a {@code KEY TAB value} line ({@code cacheDir}, {@code engineCacheDir}), or null. */
    public static String value(String stdout, String key) {
        return stdout.lines().filter(line -> line.startsWith(key + "\t")).map(line -> line.substring(key.length() + 1))
                .findFirst().orElse(null);
    }
}
