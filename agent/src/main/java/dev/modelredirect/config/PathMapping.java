package dev.modelredirect.config;

import java.nio.file.Path;

/**
 * One entry of the {@code paths} key: files under {@link #from()} are redirected to {@link #to()} inside the store.
 *
 * @param from absolute, normalized prefix ({@code ~} already expanded)
 * @param to   path relative to the store root
 */
public record PathMapping(Path from, Path to) {
}
