package dev.modelredirect.hooks;

import dev.modelredirect.log.Log;
import dev.modelredirect.store.Resolution;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code spring-ai} hook's work: a Spring {@code Resource} naming an {@code http(s)} URL (a Hub file in its
 * {@code resolve/} or {@code raw/} form, or any URL source) becomes a {@code FileUrlResource} of the store's file,
 * downloaded once and verified on a miss. Spring AI then reads that file itself: nothing is copied into its temporary
 * cache. Other resources ({@code classpath:}, {@code file:}) are left to Spring AI.
 *
 * <p>Fail-safe: a resource this does not understand, or a Spring version without the expected classes, is reported
 * once and left to Spring AI; a miss that cannot be served (offline, failed download) fails with a message naming the
 * URL and what to do.
 */
final class SpringAiResources {
    private static final String RESOURCE = "org.springframework.core.io.Resource";
    private static final String FILE_URL_RESOURCE = "org.springframework.core.io.FileUrlResource";

    private final Redirector redirector;

    SpringAiResources(Redirector redirector) {
        this.redirector = redirector;
    }

    /** The store's file as a Spring resource in place of {@code resource}, or null to leave it to Spring AI. */
    Object resource(Object resource) {
        if (resource == null) {
            return null;
        }
        String url;
        ClassLoader loader = resource.getClass().getClassLoader();
        try {
            Method getUrl = Class.forName(RESOURCE, false, loader).getMethod("getURL");
            url = ((URL) getUrl.invoke(resource)).toString();
        } catch (java.lang.reflect.InvocationTargetException notAUrl) {
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
            redirector.warnOnce(HookCatalog.SPRING_AI, ex);
            return null;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            return null;
        }
        Path file;
        try {
            Resolution resolution = redirector.store().resolve(url);
            Log.info("%s", resolution.describe());
            file = resolution.path();
        } catch (IOException ex) {
            throw new UncheckedIOException(new IOException("model-redirect: cannot serve the Spring AI resource "
                    + url + ": " + ex.getMessage(), ex));
        } catch (RuntimeException ex) {
            redirector.warnOnce(HookCatalog.SPRING_AI, ex);
            return null;
        }
        try {
            return Class.forName(FILE_URL_RESOURCE, true, loader).getConstructor(String.class)
                    .newInstance(file.toString());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
            redirector.warnOnce(HookCatalog.SPRING_AI, ex);
            return null;
        }
    }
}
