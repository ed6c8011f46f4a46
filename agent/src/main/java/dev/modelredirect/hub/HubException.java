package dev.modelredirect.hub;

import dev.modelredirect.fetch.FetchException;

/** The Hub refused a request for a reason the user can act on; the message says which and what to do. */
public final class HubException extends FetchException {
    private static final long serialVersionUID = 1L;

    /** Why the Hub refused. */
    public enum Kind {
        REPO_NOT_FOUND, REVISION_NOT_FOUND, ENTRY_NOT_FOUND, GATED, UNAUTHORIZED, FORBIDDEN, NOT_A_HUB, OTHER
    }

    private final Kind kind;
    private final String commit;

    public HubException(Kind kind, String commit, String message) {
        super(message);
        this.kind = kind;
        this.commit = commit;
    }

    public Kind kind() {
        return kind;
    }

    /** The commit the server named ({@code X-Repo-Commit}) with the refusal, or null. */
    public String commit() {
        return commit;
    }
}
