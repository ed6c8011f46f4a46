package dev.modelredirect.serve;

import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import dev.modelredirect.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/(models|datasets)/ORG/NAME[/revision/REV]}: the repository's metadata as the Hub's API gives it
 * (id, the commit as {@code sha}, {@code siblings}; sizes, blob ids and LFS hashes with {@code ?blobs=true}). On a
 * pull-through mirror the whole snapshot is fetched first unless the store holds it all.
 */
final class RepoInfoRoute implements Route {
    private final StoreLookup lookup;

    RepoInfoRoute(StoreLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public boolean answer(Call call) throws IOException, ServeError {
        List<String> segments = call.segments();
        if (!RequestPaths.isRepoApi(segments)) {
            return false;
        }
        String revision;
        if (segments.size() == 4) {
            revision = "main";
        } else if (segments.size() == 6 && segments.get(4).equals("revision")) {
            revision = segments.get(5);
        } else {
            return false;
        }
        call.allow("GET", "HEAD");
        RepoId repo = RequestPaths.repo(RequestPaths.apiType(segments), segments.get(2), segments.get(3));
        info(call, repo, revision);
        return true;
    }

    private void info(Call call, RepoId repo, String revision) throws IOException, ServeError {
        StoreView view = lookup.view();
        StoreView.Commit commit = lookup.snapshot(repo, revision);
        boolean blobs = RequestPaths.flag(call.query(), "blobs");
        List<Object> siblings = new ArrayList<>();
        for (StoreView.FileInfo file : view.files(commit)) {
            Map<String, Object> sibling = new LinkedHashMap<>();
            sibling.put("rfilename", file.path());
            if (blobs) {
                sibling.put("size", file.size());
                sibling.put("blobId", file.gitOid());
                if (file.lfs()) {
                    Map<String, Object> lfs = new LinkedHashMap<>();
                    lfs.put("sha256", file.lfsSha256());
                    lfs.put("size", file.size());
                    lfs.put("pointerSize", file.pointerSize());
                    sibling.put("lfs", lfs);
                }
            }
            siblings.add(sibling);
        }
        String modified = iso(view.modified(commit));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("_id", commit.commit().substring(0, 24));
        info.put("id", repo.id());
        if (repo.type() == RepoType.MODEL) {
            info.put("modelId", repo.id());
        }
        info.put("author", repo.org());
        info.put("sha", commit.commit());
        info.put("lastModified", modified);
        info.put("createdAt", modified);
        info.put("private", false);
        info.put("gated", false);
        info.put("disabled", false);
        info.put("downloads", 0);
        info.put("likes", 0);
        info.put("tags", List.of());
        info.put("siblings", siblings);
        call.sendJson(200, Json.write(info), commit.commit());
    }

    /** An instant as the Hub writes it: ISO-8601 with milliseconds, {@code 2024-01-02T03:04:05.000Z}. */
    static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString().replaceFirst("(\\d\\d:\\d\\d:\\d\\d)Z$", "$1.000Z");
    }
}
