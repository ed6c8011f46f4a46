package dev.modelredirect.serve;

import dev.modelredirect.hub.RepoId;

/**
 * Lookups in the {@link StoreView} that a pull-through mirror turns from a miss into a fetch ({@link PullThrough}),
 * counting hits and misses per repository in {@link Traffic}. Without a pull-through a miss stays a refusal.
 * Thread-safe.
 */
final class StoreLookup {
    private final StoreView view;
    private final PullThrough pull;
    private final Traffic traffic;

    /** @param pull the pull-through, or null for a read-only server */
    StoreLookup(StoreView view, PullThrough pull, Traffic traffic) {
        this.view = view;
        this.pull = pull;
        this.traffic = traffic;
    }

    StoreView view() {
        return view;
    }

    Traffic traffic() {
        return traffic;
    }

    boolean pullsThrough() {
        return pull != null;
    }

    /** The commit a revision names, fetched (the snapshot) on a miss. */
    StoreView.Commit commit(RepoId repo, String revision) throws ServeError {
        try {
            return view.commit(repo, revision);
        } catch (ServeError miss) {
            if (pull == null || !miss.isMiss()) {
                throw miss;
            }
            pull.fetch(PullThrough.source(repo, revision, null));
            return view.commit(repo, revision);
        }
    }

    /** A snapshot-wide request: on a mirror, the whole snapshot is fetched first unless the store holds it all. */
    StoreView.Commit snapshot(RepoId repo, String revision) throws ServeError {
        if (pull == null) {
            return view.commit(repo, revision);
        }
        try {
            StoreView.Commit commit = view.commit(repo, revision);
            if (view.complete(commit)) {
                return commit;
            }
        } catch (ServeError miss) {
            if (!miss.isMiss()) {
                throw miss;
            }
        }
        pull.fetch(PullThrough.source(repo, revision, null));
        return view.commit(repo, revision);
    }

    /** One file, fetched on a miss; counted as a hit when the store had it, a miss otherwise. */
    StoreView.FileInfo file(RepoId repo, String revision, String path) throws ServeError {
        try {
            StoreView.FileInfo file = view.file(view.commit(repo, revision), path);
            traffic.hit(repo);
            return file;
        } catch (ServeError miss) {
            if (miss.isMiss() || miss.status == 404) {
                traffic.miss(repo);
            }
            if (pull == null || !miss.isMiss()) {
                throw miss;
            }
            pull.fetch(PullThrough.source(repo, revision, path));
            return view.file(view.commit(repo, revision), path);
        }
    }

    /** Whether the store has {@code path} at {@code commit}, or knows it does not exist (nothing to fetch). */
    boolean present(StoreView.Commit commit, String path) {
        try {
            view.file(commit, path);
            return true;
        } catch (ServeError ex) {
            return !ex.isMiss();
        }
    }
}
