package dev.modelredirect.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Ownership;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.FixedValue;

/** Jars holding real class files named as the hooked library classes, with or without the hooked methods. */
public final class FakeLibraries {
    private FakeLibraries() {
    }

    /**
     * A class {@code name} with one public static method {@code method(parameters)} returning {@code returns}.
     */
    public static byte[] classWith(String name, String method, Class<?> returns, Class<?>... parameters) {
        DynamicType.Builder<Object> builder = new ByteBuddy().subclass(Object.class).name(name);
        return builder.defineMethod(method, returns, Visibility.PUBLIC, Ownership.STATIC).withParameters(parameters)
                .intercept(returns == void.class ? net.bytebuddy.implementation.StubMethod.INSTANCE
                        : FixedValue.nullValue())
                .make().getBytes();
    }

    /** Writes a jar of {@code classes} (binary name to bytes) with {@code Implementation-Version: version}. */
    public static Path jar(Path file, String version, Map<String, byte[]> classes) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (version != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey().replace('.', '/') + ".class"));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
        }
        return file;
    }

    /** A jar whose {@code ai.djl.repository.Repository} has {@code static newInstance(String, String)}: fits. */
    public static Path fittingDjlApi(Path file) throws IOException {
        return jar(file, "0.36.0", Map.of("ai.djl.repository.Repository",
                classWith("ai.djl.repository.Repository", "newInstance", Object.class, String.class, String.class),
                "ai.djl.util.Utils", classWith("ai.djl.util.Utils", "getCacheDir", Path.class)));
    }
}
