package dev.modelredirect.hookfile;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hook file of this run, read once at start-up (a small text file, read with the stream classes the JVM has
 * already loaded: a handful of classes more, all of them the parser's) and kept for the instrumenter, which asks for the declarations of each class as it appears.
 */
public final class DeclaredHooks {
    /** Bytes read from a hook file at most. */
    public static final long MAX_BYTES = 1 << 20;

    private static volatile Map<String, List<HookDeclaration>> byClass = Map.of();

    private DeclaredHooks() {
    }

    /**
     * Reads and parses {@code file} and keeps its declarations for {@link #forClass}.
     *
     * @return one message per problem: an unreadable file, or a malformed line (by number)
     */
    public static List<String> load(Path file) {
        use(List.of());
        String text;
        try (InputStream in = new FileInputStream(file.toFile())) {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                return List.of("hook-file " + file + " is larger than " + MAX_BYTES + " bytes; a hook file holds "
                        + "one short line per method; no user hook is installed");
            }
            text = new String(bytes, java.nio.charset.Charset.forName("UTF-8"));
        } catch (IOException | RuntimeException ex) {
            return List.of("cannot read hook-file " + file + " (" + ex + "); fix the path given to key hook-file; "
                    + "no user hook is installed");
        }
        HookFileParser.Parsed parsed = HookFileParser.parse("hook-file " + file, text);
        use(parsed.declarations());
        return parsed.errors();
    }

    /** Keeps {@code declarations} for {@link #forClass}, replacing any kept before. */
    public static void use(List<HookDeclaration> declarations) {
        Map<String, List<HookDeclaration>> map = new LinkedHashMap<>();
        for (HookDeclaration declaration : declarations) {
            List<HookDeclaration> ofClass = map.get(declaration.internalClassName());
            if (ofClass == null) {
                ofClass = new ArrayList<>();
                map.put(declaration.internalClassName(), ofClass);
            }
            ofClass.add(declaration);
        }
        byClass = map;
    }

    /** The classes named ({@code a/b/C}). */
    public static Set<String> classes() {
        return new LinkedHashSet<>(byClass.keySet());
    }

    /** The declarations of class {@code internalName} ({@code a/b/C}), in file order; empty if none. */
    public static List<HookDeclaration> forClass(String internalName) {
        return byClass.getOrDefault(internalName, List.of());
    }

    /** A word that changes whenever the declarations of the class change: keys cached instrumentation. */
    public static String fingerprint(String internalName) {
        StringBuilder all = new StringBuilder();
        for (HookDeclaration declaration : forClass(internalName)) {
            all.append(declaration.text()).append('\n');
        }
        return Integer.toHexString(all.toString().hashCode());
    }
}
