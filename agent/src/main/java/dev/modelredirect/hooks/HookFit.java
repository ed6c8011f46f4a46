package dev.modelredirect.hooks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Which hooks would apply to an application's class path, found without running it: for each hook, the first
 * class-path entry holding its class (as the class loader would pick it), and whether the methods it needs are there
 * with the expected signatures, read from the class files with Byte Buddy's type pool: the very check the agent makes
 * before instrumenting ({@link Instrumenter#misfit}).
 */
public final class HookFit {
    private static final Pattern VERSION_IN_NAME = Pattern.compile("-(\\d[\\w.+-]*)\\.jar$");

    /** How a hook fits. */
    public enum Fit { APPLIES, ABSENT, MISFIT }

    /**
     * The finding for one hook.
     *
     * @param hook    the hook's name
     * @param target  the class it instruments ({@code a.b.C})
     * @param fit     applies, library absent, or present but not fitting
     * @param entry   the class-path entry holding the class, or null
     * @param version the library version read from that entry (manifest, Maven properties or file name), or null
     * @param problem why it does not fit, or null
     */
    public record Finding(String hook, String target, Fit fit, Path entry, String version, String problem) {
    }

    private HookFit() {
    }

    /** Splits a class path ({@code File.pathSeparator}; an entry {@code DIR/*} means the jars in DIR). */
    public static List<Path> parseClassPath(String classpath) throws IOException {
        List<Path> entries = new ArrayList<>();
        for (String part : classpath.split(Pattern.quote(File.pathSeparator))) {
            if (part.isBlank()) {
                continue;
            }
            if (part.endsWith("*")) {
                Path dir = Path.of(part.substring(0, part.length() - 1).isEmpty() ? "."
                        : part.substring(0, part.length() - 1));
                List<Path> jars = new ArrayList<>();
                try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.{jar,JAR}")) {
                    stream.forEach(jars::add);
                }
                jars.sort(null);
                entries.addAll(jars);
            } else {
                entries.add(Path.of(part));
            }
        }
        return entries;
    }

    /** Checks every hook that instruments a class against {@code classpath}, in the catalogue's order. */
    public static List<Finding> check(List<Path> classpath) throws IOException {
        List<String> hooks = new ArrayList<>(HookCatalog.USER_HOOKS);
        hooks.add(HookCatalog.DJL_CALL_HOME);
        hooks.addAll(HookCatalog.DJL_ZOO_PARTS);
        List<ClassFileLocator> locators = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        try {
            for (Path entry : classpath) {
                if (Files.isDirectory(entry)) {
                    locators.add(new ClassFileLocator.ForFolder(entry.toFile()));
                } else if (Files.isRegularFile(entry)) {
                    locators.add(ClassFileLocator.ForJarFile.of(entry.toFile()));
                }
            }
            locators.add(ClassFileLocator.ForClassLoader.ofBootLoader());
            TypePool pool = TypePool.Default.of(new ClassFileLocator.Compound(locators));
            for (String hook : hooks) {
                String internal = HookCatalog.targetOf(hook);
                if (internal == null) {
                    continue;
                }
                String target = internal.replace('/', '.');
                Path entry = firstHolding(classpath, internal + ".class");
                if (entry == null) {
                    findings.add(new Finding(HookCatalog.reportedName(hook), target, Fit.ABSENT, null, null, null));
                    continue;
                }
                TypePool.Resolution resolution = pool.describe(target);
                String problem;
                if (!resolution.isResolved()) {
                    problem = "cannot read " + target + " from " + entry;
                } else {
                    TypeDescription type = resolution.resolve();
                    problem = Instrumenter.misfit(type, hook);
                }
                findings.add(new Finding(HookCatalog.reportedName(hook), target, problem == null ? Fit.APPLIES
                        : Fit.MISFIT, entry,
                        version(entry), problem));
            }
        } finally {
            for (ClassFileLocator locator : locators) {
                locator.close();
            }
        }
        return findings;
    }

    private static Path firstHolding(List<Path> classpath, String resource) throws IOException {
        for (Path entry : classpath) {
            if (Files.isDirectory(entry)) {
                if (Files.isRegularFile(entry.resolve(resource))) {
                    return entry;
                }
            } else if (Files.isRegularFile(entry)) {
                try (JarFile jar = new JarFile(entry.toFile())) {
                    if (jar.getEntry(resource) != null) {
                        return entry;
                    }
                }
            }
        }
        return null;
    }

    /** The version of a library jar: manifest, then Maven's pom.properties, then the file name; null if none. */
    static String version(Path entry) {
        if (!Files.isRegularFile(entry)) {
            return null;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest != null) {
                for (String key : new String[] {"Implementation-Version", "Specification-Version",
                        "Bundle-Version"}) {
                    String value = manifest.getMainAttributes().getValue(key);
                    if (value != null && !value.isBlank()) {
                        return value.trim();
                    }
                }
            }
            for (ZipEntry zip : java.util.Collections.list(jar.entries())) {
                if (zip.getName().startsWith("META-INF/maven/") && zip.getName().endsWith("/pom.properties")) {
                    Properties properties = new Properties();
                    try (InputStream in = jar.getInputStream(zip)) {
                        properties.load(in);
                    }
                    if (properties.getProperty("version") != null) {
                        return properties.getProperty("version");
                    }
                }
            }
        } catch (IOException ex) {
            return null;
        }
        Matcher matcher = VERSION_IN_NAME.matcher(entry.getFileName().toString());
        return matcher.find() ? matcher.group(1) : null;
    }
}
