package dev.modelredirect.hooks;

import dev.modelredirect.log.Log;
import dev.modelredirect.store.Resolution;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code user} hook's work on one argument: a remote source ({@code http(s)://}, {@code hf://}, {@code djl://})
 * becomes the store's file, downloaded once and verified on a miss; a local path under a {@code paths} prefix becomes
 * its place in the store. The result takes the argument's type: a {@code Path}, {@code File}, {@code URL} or
 * {@code URI} of the file; a {@code String} becomes the file's path for a {@code path} line, its {@code file:} URL for
 * a {@code source} line. Anything else is passed on unchanged.
 *
 * <p>Fail-safe as the other hooks: an unexpected failure is reported once and the argument passed on; a miss that
 * cannot be served fails with a message naming the source, the hook file's line and what to do.
 */
final class UserArguments {
    private final Redirector redirector;

    UserArguments(Redirector redirector) {
        this.redirector = redirector;
    }

    /** The value to pass on for {@code value}, the argument {@code declaration} (canonical text) names. */
    Object rewrite(String declaration, Object value) {
        if (value == null) {
            return null;
        }
        try {
            Path file = storeFile(value);
            if (file == null) {
                return value;
            }
            if (value instanceof String) {
                return declaration.endsWith(" path") ? file.toString() : file.toUri().toString();
            }
            if (value instanceof Path) {
                return file;
            }
            if (value instanceof File) {
                return file.toFile();
            }
            if (value instanceof URL) {
                return file.toUri().toURL();
            }
            return file.toUri();
        } catch (IOException ex) {
            throw new UncheckedIOException(new IOException("model-redirect: cannot serve " + value
                    + " for the hook-file line " + declaration + ": " + ex.getMessage(), ex));
        } catch (RuntimeException ex) {
            redirector.warnOnce(HookCatalog.USER, ex);
            return value;
        }
    }

    /** The store's file for the argument, or null to leave it. */
    private Path storeFile(Object value) throws IOException {
        String text;
        if (value instanceof String string) {
            text = string.strip();
        } else if (value instanceof URL || value instanceof URI) {
            text = value.toString();
        } else if (value instanceof Path path) {
            return redirector.underPaths(path);
        } else if (value instanceof File file) {
            return redirector.underPaths(file.toPath());
        } else {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("hf://")
                || lower.startsWith("djl://")) {
            Resolution resolution = redirector.store().resolve(text);
            Log.info("%s", resolution.describe());
            return resolution.path();
        }
        if (lower.startsWith("file:")) {
            return redirector.underPaths(Path.of(URI.create(text)));
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*:.*") && !lower.matches("^[a-z]:[\\\\/].*")) {
            return null;
        }
        return redirector.underPaths(Path.of(text));
    }
}
