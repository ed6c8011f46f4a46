package dev.modelredirect.serve;

import dev.modelredirect.hub.RepoId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lookups in the {@link StoreView} that a pull-through mirror turns from a miss into a fetch ({@link PullThrough}),
 * counting hits and misses per repository in {@link Traffic}. Without a pull-through a miss stays a refusal.
 *
 * <p>A file found is remembered for {@value #HIT_MILLIS} ms, so that a burst of requests for it costs one walk of the
 * store's links rather than one per request: a ref moved by {@code pull --update}, or a file removed by {@code rm},
 * is seen within that time (a blob deleted from disk at once: it no longer opens). Thread-safe.
 */
final class StoreLookup {
    /** How long a file found stays remembered. */
    static final long HIT_MILLIS = 1000;
    private static final int MAX_REMEMBERED = 10_000;

    /** A file found, and the commit its revision named. */
    record Located(StoreView.FileInfo file, String commit) {
    }

    private record Key(RepoId repo, String revision, String path) {
    }

    private record Remembered(Located located, long until) {
    }

    private final Map<Key, Remembered> remembered = new ConcurrentHashMap<>();
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
    Located file(RepoId repo, String revision, String path) throws ServeError {
        Key key = new Key(repo, revision, path);
        long now = System.currentTimeMillis();
        Remembered known = remembered.get(key);
        if (known != null && known.until() > now) {
            traffic.hit(repo);
            return known.located();
        }
        Located located;
        try {
            StoreView.Commit commit = view.commit(repo, revision);
            located = new Located(view.file(commit, path), commit.commit());
            traffic.hit(repo);
        } catch (ServeError miss) {
            if (miss.isMiss() || miss.status == 404) {
                traffic.miss(repo);
            }
            if (pull == null || !miss.isMiss()) {
                throw miss;
            }
            pull.fetch(PullThrough.source(repo, revision, path));
            StoreView.Commit commit = view.commit(repo, revision);
            located = new Located(view.file(commit, path), commit.commit());
        }
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        remembered.put(key, new Remembered(located, now + HIT_MILLIS));
        return located;
    }

    /** Forgets a file found, when its bytes could not be opened: the next request looks it up again. */
    void forget(RepoId repo, String revision, String path) {
        remembered.remove(new Key(repo, revision, path));
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
