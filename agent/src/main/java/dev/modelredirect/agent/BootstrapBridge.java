package dev.modelredirect.agent;

import dev.modelredirect.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts a copy of {@code dev.modelredirect.bridge.Bridge} on the bootstrap class path, for libraries loaded by an
 * isolated class loader (one whose parent is the platform loader) that cannot see the agent jar. Done only when such a
 * loader appears, because appending to the bootstrap path costs every JVM its class-data sharing for application
 * classes. The class's bytes are read from the agent jar as a resource and written once into a small jar in the
 * temporary folder, named by their hash.
 */
final class BootstrapBridge {
    private static final String[] CLASSES = {"dev/modelredirect/bridge/Bridge.class"};
    private static volatile boolean installed;

    private BootstrapBridge() {
    }

    /** Makes the bridge visible to {@code loader} if it is not: appends the bootstrap copy (once) and arms it. */
    static synchronized void ensureVisible(Instrumentation instrumentation, ClassLoader loader) {
        if (installed || loader == null || canSee(loader)) {
            return;
        }
        try {
            Path jar = bridgeJar();
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
            BridgeInstallation.installIntoBootstrapCopy();
            installed = true;
            Log.debug("bridge added to the bootstrap class path for %s", loader);
        } catch (IOException | ReflectiveOperationException | RuntimeException ex) {
            Log.warn("the hooks cannot reach the class loader %s (%s); the library in it runs without them", loader,
                    ex);
        }
    }

    private static boolean canSee(ClassLoader loader) {
        try {
            return Class.forName(CLASSES[0].replace('/', '.').replace(".class", ""), false, loader) != null;
        } catch (ClassNotFoundException | LinkageError ex) {
            return false;
        }
    }

    private static Path bridgeJar() throws IOException {
        byte[][] bytes = new byte[CLASSES.length][];
        int hash = 17;
        for (int i = 0; i < CLASSES.length; i++) {
            try (InputStream in = BootstrapBridge.class.getClassLoader().getResourceAsStream(CLASSES[i])) {
                if (in == null) {
                    throw new IOException("the agent jar lacks " + CLASSES[i] + "; it is damaged, rebuild it");
                }
                bytes[i] = in.readAllBytes();
            }
            hash = 31 * hash + java.util.Arrays.hashCode(bytes[i]);
        }
        Path dir = userTempFolder();
        Path jar = dir.resolve("bridge-" + Integer.toHexString(hash) + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "bridge", ".tmp");
        try (OutputStream out = Files.newOutputStream(temp); JarOutputStream jarOut = new JarOutputStream(out)) {
            for (int i = 0; i < CLASSES.length; i++) {
                jarOut.putNextEntry(new JarEntry(CLASSES[i]));
                jarOut.write(bytes[i]);
                jarOut.closeEntry();
            }
        }
        Files.move(temp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Log.debug("bridge jar written to %s", jar);
        return jar;
    }

    /** A folder of this user's in the temporary directory: {@code model-redirect-<user>}. */
    static java.nio.file.Path userTempFolder() {
        String user = System.getProperty("user.name", "user");
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            boolean plain = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-');
            safe.append(plain ? c : '_');
        }
        return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "model-redirect-" + safe);
    }
}
