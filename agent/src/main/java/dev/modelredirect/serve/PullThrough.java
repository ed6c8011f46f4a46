package dev.modelredirect.serve;

import dev.modelredirect.hub.HubException;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import dev.modelredirect.log.Log;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The pull-through half of the server: a miss becomes one {@link ModelStore#resolve} of the source
 * {@code hf://[datasets/]ORG/NAME@REV[/PATH]} against the store's endpoint, with all the store's guarantees (verified,
 * atomic, pinned). Requests for the same source while it is being fetched wait for that one fetch; across processes
 * the store's named locks keep it to one download per blob. Thread-safe.
 */
final class PullThrough {
    private final ModelStore store;
    private final String upstream;
    private final Map<String, CompletableFuture<Resolution>> inFlight = new ConcurrentHashMap<>();

    PullThrough(ModelStore store, String upstream) {
        this.store = store;
        this.upstream = upstream;
    }

    /** The source naming a file ({@code path} non-null) or a whole snapshot of a repository at a revision. */
    static String source(RepoId repo, String revision, String path) {
        String prefix = repo.type() == RepoType.DATASET ? "datasets/" : "";
        return "hf://" + prefix + repo.id() + "@" + URLEncoder.encode(revision, StandardCharsets.UTF_8)
                .replace("+", "%20") + (path == null ? "" : "/" + path);
    }

    /** Fetches a source into the store, or waits for the fetch already running; a Hub-style error when it fails. */
    void fetch(String source) throws ServeError {
        CompletableFuture<Resolution> mine = new CompletableFuture<>();
        CompletableFuture<Resolution> running = inFlight.putIfAbsent(source, mine);
        if (running == null) {
            try {
                Resolution resolution = store.resolve(source);
                mine.complete(resolution);
                if (!resolution.hit()) {
                    Log.info("serve: pulled from %s: %s", upstream, resolution.describe());
                }
            } catch (IOException | RuntimeException ex) {
                mine.completeExceptionally(ex);
            } finally {
                inFlight.remove(source, mine);
            }
            running = mine;
        }
        try {
            running.get();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ServeError(503, null, "interrupted while fetching " + source, null);
        } catch (ExecutionException ex) {
            throw refusal(source, ex.getCause());
        }
    }

    private ServeError refusal(String source, Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HubException hub) {
                String message = clean(hub.getMessage());
                switch (hub.kind()) {
                    case REPO_NOT_FOUND:
                        return new ServeError(404, "RepoNotFound", message, null);
                    case REVISION_NOT_FOUND:
                        return new ServeError(404, "RevisionNotFound", message, null);
                    case ENTRY_NOT_FOUND:
                        return new ServeError(404, "EntryNotFound", message, hub.commit());
                    case GATED:
                        return new ServeError(403, "GatedRepo", message, null);
                    case UNAUTHORIZED:
                    case FORBIDDEN:
                        return new ServeError(403, null, message, null);
                    default:
                        break;
                }
            }
        }
        String message = failure == null ? "unknown failure" : clean(failure.getMessage());
        Log.warn("serve: fetching %s from %s failed: %s", source, upstream, message);
        return new ServeError(502, null, "the mirror could not fetch " + source + " from " + upstream + ": "
                + message, null);
    }

    private static String clean(String message) {
        return message == null ? "" : message;
    }
}
