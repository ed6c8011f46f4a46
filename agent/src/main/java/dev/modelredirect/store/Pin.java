package dev.modelredirect.store;

import dev.modelredirect.hub.RepoType;
import java.util.List;

/** What the lock file records for one source: the exact version it resolved to, and each file's size and hash. */
public sealed interface Pin permits Pin.Hub, Pin.Url, Pin.Djl {

    List<PinnedFile> files();

    /** The file at {@code path}, or null. */
    default PinnedFile file(String path) {
        for (PinnedFile file : files()) {
            if (file.path().equals(path)) {
                return file;
            }
        }
        return null;
    }

    /**
     * A Hub source pinned to a commit.
     *
     * @param type     repository type
     * @param repo     {@code ORG/NAME}
     * @param revision the revision as asked ({@code main}, a tag, a commit)
     * @param commit   the 40-hex commit it resolved to
     * @param files    the files fetched: one for a file source, all for a snapshot (those {@code filter} lets through)
     * @param filter   the include/exclude patterns of a snapshot ({@link FileFilter#ALL} for a whole one or a file)
     */
    record Hub(RepoType type, String repo, String revision, String commit, List<PinnedFile> files, FileFilter filter)
            implements Pin {
        public Hub {
            files = List.copyOf(files);
            filter = filter == null ? FileFilter.ALL : filter;
        }

        /** A pin without include/exclude patterns. */
        public Hub(RepoType type, String repo, String revision, String commit, List<PinnedFile> files) {
            this(type, repo, revision, commit, files, FileFilter.ALL);
        }
    }

    /**
     * A URL source pinned to its validators.
     *
     * @param url          the URL as asked
     * @param finalUrl     where redirects ended
     * @param etag         the server's ETag, or null
     * @param lastModified the server's Last-Modified, or null
     * @param files        the one file, its path relative to the store root
     */
    record Url(String url, String finalUrl, String etag, String lastModified, List<PinnedFile> files) implements Pin {
        public Url {
            files = List.copyOf(files);
        }
    }

    /**
     * A DJL zoo model ({@code djl://GROUP/ARTIFACT}: its metadata and the files of one version) or a group's index
     * files ({@code djl://GROUP}: artifact and version null), as fetched from {@code djl-endpoint}.
     *
     * @param group       the zoo's group id
     * @param artifact    the artifact id, or null for the index files
     * @param application the application path the model was found under ({@code nlp/text_embedding}), or null
     * @param version     the artifact version resolved, or null
     * @param files       paths relative to the store root ({@code zoo/...}) with size and sha256
     */
    record Djl(String group, String artifact, String application, String version, List<PinnedFile> files)
            implements Pin {
        public Djl {
            files = List.copyOf(files);
        }

        /** This pin with {@code file} added, or replacing the file of the same path. */
        public Djl with(PinnedFile file) {
            java.util.List<PinnedFile> merged = new java.util.ArrayList<>();
            for (PinnedFile existing : files) {
                if (!existing.path().equals(file.path())) {
                    merged.add(existing);
                }
            }
            merged.add(file);
            merged.sort(java.util.Comparator.comparing(PinnedFile::path));
            return new Djl(group, artifact, application, version, merged);
        }

        /** This pin at another version and application (null keeps the present one). */
        public Djl at(String newApplication, String newVersion) {
            return new Djl(group, artifact, newApplication == null ? application : newApplication,
                    newVersion == null ? version : newVersion, files);
        }
    }
}
