package dev.modelredirect.bridge;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The one class the code inlined into library methods calls. It uses only {@code java.*} types, and so does its
 * handler (a {@link BiFunction} from operation name and arguments to result), so that a copy of it on the bootstrap
 * class path (made only when a library sits in an isolated class loader that cannot see the agent jar) can be handed
 * the same handler. Before a handler is installed, and whenever it fails, every method answers "no change".
 *
 * <p>Operations: {@code repositoryUrl(name, url) -> url}, {@code cacheDir(path) -> path},
 * {@code engineCacheDir(path) -> path}, {@code tokenizer(class, identifier, options) -> tokenizer or null},
 * {@code skipCallHome() -> Boolean}, {@code springAiResource(resource) -> resource or null},
 * {@code userArgument(line, value) -> value}, and for the DJL model zoo {@code zooBase(uri) -> uri},
 * {@code zooIndex(zoo, repository, application)}, {@code zooMetadata(repository, mrl)},
 * {@code zooArtifact(repository, base, item)}.
 */
public final class Bridge {
    private static volatile BiFunction<String, Object[], Object> handler;

    private Bridge() {
    }

    /** Installs the handler; called by the agent for each copy of this class. */
    public static void install(BiFunction<String, Object[], Object> newHandler) {
        handler = newHandler;
    }

    public static String repositoryUrl(String name, String url) {
        BiFunction<String, Object[], Object> h = handler;
        return h == null ? url : (String) h.apply("repositoryUrl", new Object[] {name, url});
    }

    public static Path cacheDir(Path computed) {
        BiFunction<String, Object[], Object> h = handler;
        return h == null ? computed : (Path) h.apply("cacheDir", new Object[] {computed});
    }

    public static Path engineCacheDir(Path computed) {
        BiFunction<String, Object[], Object> h = handler;
        return h == null ? computed : (Path) h.apply("engineCacheDir", new Object[] {computed});
    }

    public static Object tokenizer(Class<?> tokenizerClass, String identifier, Map<String, String> options) {
        BiFunction<String, Object[], Object> h = handler;
        return h == null ? null : h.apply("tokenizer", new Object[] {tokenizerClass, identifier, options});
    }

    public static boolean skipCallHome() {
        BiFunction<String, Object[], Object> h = handler;
        return h != null && Boolean.TRUE.equals(h.apply("skipCallHome", new Object[0]));
    }

    /** A Spring AI {@code Resource} in place of {@code resource} (the store's file), or null to keep it. */
    public static Object springAiResource(Object resource) {
        BiFunction<String, Object[], Object> h = handler;
        return h == null ? null : h.apply("springAiResource", new Object[] {resource});
    }

    /** The value a user-declared hook ({@code line} of the hook file) passes on in place of {@code value}. */
    public static Object userArgument(String line, Object value) {
        BiFunction<String, Object[], Object> h = handler;
        return h == null ? value : h.apply("userArgument", new Object[] {line, value});
    }

    /** The base URI a DJL {@code RemoteRepository} is made with: the store's copy of the repository, or {@code uri}. */
    public static java.net.URI zooBase(java.net.URI uri) {
        BiFunction<String, Object[], Object> h = handler;
        return h == null ? uri : (java.net.URI) h.apply("zooBase", new Object[] {uri});
    }

    /** Before a zoo reads its index of {@code application}: fetches it into the store. */
    public static void zooIndex(Object zoo, Object repository, Object application) {
        BiFunction<String, Object[], Object> h = handler;
        if (h != null) {
            h.apply("zooIndex", new Object[] {zoo, repository, application});
        }
    }

    /** Before a repository reads a model's metadata: fetches it into the store. */
    public static void zooMetadata(Object repository, Object mrl) {
        BiFunction<String, Object[], Object> h = handler;
        if (h != null) {
            h.apply("zooMetadata", new Object[] {repository, mrl});
        }
    }

    /** Before a repository reads an artifact file: fetches it into the store. */
    public static void zooArtifact(Object repository, java.net.URI base, Object item) {
        BiFunction<String, Object[], Object> h = handler;
        if (h != null) {
            h.apply("zooArtifact", new Object[] {repository, base, item});
        }
    }
}
