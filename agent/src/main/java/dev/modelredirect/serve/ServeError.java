package dev.modelredirect.serve;

/**
 * A refusal the server sends as the Hub does: an HTTP status, an {@code X-Error-Code} (null for none), an
 * {@code X-Error-Message}, and the commit ({@code X-Repo-Commit}) when one is known, as for {@code EntryNotFound}.
 */
final class ServeError extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final String commit;
    private final boolean miss;

    ServeError(int status, String code, String message, String commit) {
        this(status, code, message, commit, false);
    }

    private ServeError(int status, String code, String message, String commit, boolean miss) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.commit = commit;
        this.miss = miss;
    }

    static ServeError badRequest(String message) {
        return new ServeError(400, "BadRequest", message, null);
    }

    static ServeError repoNotFound(String repo) {
        return new ServeError(404, "RepoNotFound", "Repository not found: " + repo, null, true);
    }

    static ServeError revisionNotFound(String repo, String revision) {
        return new ServeError(404, "RevisionNotFound", "Invalid rev id: " + revision + " (in " + repo + ")", null,
                true);
    }

    static ServeError entryNotFound(String path, String revision, String commit) {
        return new ServeError(404, "EntryNotFound", path + " does not exist on \"" + revision + "\"", commit, true);
    }

    /** The same refusal, final: the store knows (a {@code .no_exist} marker), so upstream is not asked. */
    ServeError known() {
        return new ServeError(status, code, getMessage(), commit, false);
    }

    static ServeError notFound(String message) {
        return new ServeError(404, null, message, null);
    }

    /** Whether fetching from upstream could turn this refusal into an answer: the repository, revision or file is missing. */
    boolean isMiss() {
        return miss;
    }
}
