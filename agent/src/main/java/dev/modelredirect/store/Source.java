package dev.modelredirect.store;

import dev.modelredirect.hub.RepoId;

/**
 * A thing the store can resolve to a local path, as the user or application named it ({@link #spelled()}).
 */
public sealed interface Source permits Source.Hub, Source.Url, Source.Djl {

    /** The name exactly as given; the key of the lock file. */
    String spelled();

    /**
     * A Hub repository, a file in it, or its whole snapshot.
     *
     * @param repo     the repository
     * @param revision branch, tag or commit; {@code main} when none was given
     * @param path     the file, or null for the whole snapshot
     * @param filter   for a snapshot, the files wanted ({@code pull --include/--exclude}); null when not given, so
     *                 a pin's own patterns apply
     */
    record Hub(String spelled, RepoId repo, String revision, String path, FileFilter filter) implements Source {
        /** A source without include/exclude patterns of its own. */
        public Hub(String spelled, RepoId repo, String revision, String path) {
            this(spelled, repo, revision, path, null);
        }

        /** This source with the files {@code wanted}. */
        public Hub withFilter(FileFilter wanted) {
            return new Hub(spelled, repo, revision, path, wanted);
        }

        /** The patterns that apply: this source's own, else {@link FileFilter#ALL}. */
        FileFilter effectiveFilter() {
            return filter == null ? FileFilter.ALL : filter;
        }

        /** Whether this names the whole repository. */
        public boolean isSnapshot() {
            return path == null;
        }

        /** A label for messages: {@code hf://org/name@rev/path}. */
        public String label() {
            return "hf://" + repo + "@" + revision + (path == null ? "" : "/" + path);
        }
    }

    /** Any other http(s) URL. */
    record Url(String spelled, WebUrl url) implements Source {
    }

    /**
     * A model of the DJL model zoo, {@code djl://GROUP/ARTIFACT[/VERSION]}, fetched from {@code djl-endpoint}.
     *
     * @param group    the zoo's group id, such as {@code ai.djl.huggingface.onnxruntime}
     * @param artifact the artifact id, which may hold {@code /} ({@code sentence-transformers/all-MiniLM-L6-v2}); null
     *                 for {@code djl://GROUP}, the group's index files
     * @param version  the artifact version asked, or null for the latest
     */
    record Djl(String spelled, String group, String artifact, String version) implements Source {
        /** The lock-file key of the model: {@code djl://GROUP/ARTIFACT}, whatever version was asked. */
        public String key() {
            return artifact == null ? ZooLayout.indexSource(group) : ZooLayout.modelSource(group, artifact);
        }
    }
}
