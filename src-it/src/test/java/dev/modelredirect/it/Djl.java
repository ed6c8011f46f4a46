package dev.modelredirect.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The DJL versions the build copied into {@code target/djl/<version>} (with their runtime dependencies), and child
 * JVMs running the test applications of {@code dev.modelredirect.it.apps} against one of them.
 *
 * <p>Every such child gets, unless the test says otherwise: {@code DJL_CACHE_DIR} in its own folder (never the
 * user's {@code ~/.djl.ai}), {@code ENGINE_CACHE_DIR} on the one engine cache all tests share (libtorch is unpacked
 * there once), {@code PYTORCH_FLAVOR=cpu}, and a guard against the internet: {@code http(s).proxyHost} on a loopback
 * port where nothing listens, so that any URL connection to a host that is not loopback fails at once instead of
 * leaving the machine.
 */
public final class Djl {
    /** The version the test applications are compiled against, and the agent's main target. */
    public static final String CURRENT = System.getProperty("djl.version", "0.36.0");
    /** The oldest version the hooks are said to fit. */
    public static final String OLDEST_SUPPORTED = "0.30.0";
    /** A version without {@code Utils.getCacheDir()}: the djl-cache hook does not fit it. */
    public static final String TOO_OLD = "0.8.0";

    private Djl() {
    }

    /** The jars of DJL {@code version} (api, tokenizers when present, and their dependencies). */
    public static List<Path> jars(String version) {
        return jarsIn(root().resolve(version));
    }

    /** The PyTorch engine, JNI and CPU native jars of {@link #CURRENT}. */
    public static List<Path> pytorchJars() {
        return jarsIn(root().resolve("pytorch-" + CURRENT));
    }

    /** The test applications' classes ({@code target/test-classes}). */
    public static Path testClasses() {
        return Path.of(required("test.classes"));
    }

    /** Class path: the test applications, then DJL {@code version}. */
    public static List<Path> classpath(String version) {
        List<Path> entries = new ArrayList<>();
        entries.add(testClasses());
        entries.addAll(jars(version));
        return entries;
    }

    /** Class path: the test applications, DJL {@link #CURRENT} and its PyTorch engine. */
    public static List<Path> classpathWithPytorch() {
        List<Path> entries = classpath(CURRENT);
        entries.addAll(pytorchJars());
        return entries;
    }

    /** The engine cache all tests share ({@code target/djl-engine-cache}): libtorch is unpacked there once. */
    public static Path sharedEngineCache() {
        try {
            return Files.createDirectories(Path.of(required("engine.cache")));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The shared engine cache with libtorch unpacked in it: the first call of a run that finds it empty starts the
     * PyTorch engine once, without the agent, in {@code folder}.
     */
    public static Path warmEngineCache(Path folder) {
        Path cache = sharedEngineCache();
        if (libtorchUnder(cache).isEmpty()) {
            ChildJvm.Exit exit = pytorchApp(folder, dev.modelredirect.it.apps.EngineProbe.class)
                    .run(java.time.Duration.ofMinutes(5));
            if (exit.code() != 0 || libtorchUnder(cache).isEmpty()) {
                throw new AssertionError("the PyTorch engine did not unpack into " + cache + ": " + exit.describe());
            }
        }
        return cache;
    }

    /** The {@code libtorch_cpu.so} files under a folder. */
    public static List<Path> libtorchUnder(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(p -> p.getFileName().toString().equals("libtorch_cpu.so")).toList();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * A child running {@code app}'s main with DJL {@code version} on the class path (the agent is added with
     * {@link ChildJvm.Builder#agent}), with the defaults of this class.
     */
    public static ChildJvm.Builder app(Path folder, String version, Class<?> app, String... args) {
        return withDefaults(ChildJvm.app(folder, app.getName(), args).classpath(classpath(version)), folder);
    }

    /** {@link #app} with DJL {@link #CURRENT} and the PyTorch engine on the class path. */
    public static ChildJvm.Builder pytorchApp(Path folder, Class<?> app, String... args) {
        return withDefaults(ChildJvm.app(folder, app.getName(), args).classpath(classpathWithPytorch()), folder);
    }

    /** The defaults of this class (own DJL cache, shared engine cache, CPU flavour, internet guard) on a child. */
    static ChildJvm.Builder withDefaults(ChildJvm.Builder builder, Path folder) {
        return builder.env("DJL_CACHE_DIR", folder.resolve("djl-cache").toString())
                .env("ENGINE_CACHE_DIR", sharedEngineCache().toString())
                .env("PYTORCH_FLAVOR", "cpu")
                .jvmOption("-Dhttp.proxyHost=127.0.0.1").jvmOption("-Dhttp.proxyPort=9")
                .jvmOption("-Dhttps.proxyHost=127.0.0.1").jvmOption("-Dhttps.proxyPort=9");
    }

    private static List<Path> jarsIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException(folder + " does not exist; the build copies the DJL jars there in the "
                    + "generate-test-resources phase: run the tests through Maven");
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (jars.isEmpty()) {
                throw new IllegalStateException("no jar in " + folder);
            }
            return jars;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static Path root() {
        return Path.of(required("djl.dir"));
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set; run the tests through "
                    + "Maven");
        }
        return value;
    }
}
