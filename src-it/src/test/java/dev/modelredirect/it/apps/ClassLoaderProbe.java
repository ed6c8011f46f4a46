package dev.modelredirect.it.apps;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ClassLoaderProbe app|child|isolated URL [JAR...]}: calls DJL's {@code Repository.newInstance("probe", URL)}
 * by reflection, with DJL loaded
 * <ul>
 *   <li>{@code app}: by the application class loader (DJL on the class path);</li>
 *   <li>{@code child}: by a {@code URLClassLoader} of the JARs whose parent is the application class loader, as
 *       Spring Boot's nested jars are;</li>
 *   <li>{@code isolated}: by a {@code URLClassLoader} of the JARs whose parent is the platform class loader, so that
 *       nothing on the class path is visible from it.</li>
 * </ul>
 * Prints {@code loader TAB name of Repository's class loader parent name of its parent} and {@code base TAB repository base URI}.
 */
public final class ClassLoaderProbe {
    private ClassLoaderProbe() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        List<URL> jars = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            jars.add(Path.of(args[i]).toUri().toURL());
        }
        ClassLoader loader;
        switch (mode) {
            case "app":
                loader = ClassLoaderProbe.class.getClassLoader();
                break;
            case "child":
                loader = new URLClassLoader("djl-child", jars.toArray(URL[]::new), ClassLoaderProbe.class.getClassLoader());
                break;
            case "isolated":
                loader = new URLClassLoader("djl-isolated", jars.toArray(URL[]::new),
                        ClassLoader.getPlatformClassLoader());
                break;
            default:
                throw new IllegalArgumentException("mode: app, child or isolated");
        }
        Thread.currentThread().setContextClassLoader(loader);
        Class<?> repositoryClass = Class.forName("ai.djl.repository.Repository", true, loader);
        Method newInstance = repositoryClass.getMethod("newInstance", String.class, String.class);
        Object repository = newInstance.invoke(null, "probe", url);
        Object base = repositoryClass.getMethod("getBaseUri").invoke(repository);
        ClassLoader djl = repositoryClass.getClassLoader();
        System.out.println("loader\t" + djl.getName() + " parent " + djl.getParent().getName());
        System.out.println("base\t" + base);
    }
}
