package dev.modelredirect.serve;

import dev.modelredirect.files.SafePaths;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Hub's file-listing API: {@code GET /api/(models|datasets)/ORG/NAME/tree/REV[/PATH]} ({@code ?recursive},
 * {@code ?expand}, paged with a {@code Link} header and {@code ?cursor}) and
 * {@code POST /api/(models|datasets)/ORG/NAME/paths-info/REV} (a JSON body {@code {"paths":[...],"expand":true}} or a
 * form). Both list what the store has; on a pull-through mirror a snapshot the store does not fully hold is fetched
 * first.
 */
final class TreeRoute implements Route {
    private final StoreLookup lookup;
    private final int pageSize;

    TreeRoute(StoreLookup lookup, int pageSize) {
        this.lookup = lookup;
        this.pageSize = pageSize;
    }

    @Override
    public boolean answer(Call call) throws IOException, ServeError {
        List<String> segments = call.segments();
        if (!RequestPaths.isRepoApi(segments) || segments.size() < 6) {
            return false;
        }
        String kind = segments.get(4);
        if (kind.equals("tree")) {
            call.allow("GET", "HEAD");
            String path = segments.size() == 6 ? null : RequestPaths.filePath(segments.subList(6, segments.size()));
            tree(call, repo(segments), segments.get(5), path);
            return true;
        }
        if (kind.equals("paths-info") && segments.size() == 6) {
            call.allow("POST");
            pathsInfo(call, repo(segments), segments.get(5));
            return true;
        }
        return false;
    }

    private static RepoId repo(List<String> segments) throws ServeError {
        return RequestPaths.repo(RequestPaths.apiType(segments), segments.get(2), segments.get(3));
    }

    private void tree(Call call, RepoId repo, String revision, String path) throws IOException, ServeError {
        StoreView view = lookup.view();
        StoreView.Commit commit = lookup.snapshot(repo, revision);
        Map<String, List<String>> query = call.query();
        boolean recursive = RequestPaths.flag(query, "recursive");
        boolean expand = RequestPaths.flag(query, "expand");
        TreeEntries tree = new TreeEntries(commit, view.files(commit), expand ? RepoInfoRoute.iso(view.modified(commit))
                : null);
        List<Map<String, Object>> all = tree.under(path, recursive);
        if (all == null) {
            throw ServeError.entryNotFound(path, revision, commit.commit());
        }
        int from = 0;
        List<String> cursor = query.get("cursor");
        if (cursor != null && !cursor.isEmpty()) {
            try {
                from = Integer.parseInt(cursor.get(0));
            } catch (NumberFormatException ex) {
                from = -1;
            }
            if (from < 0 || from > all.size()) {
                throw ServeError.badRequest("bad cursor '" + cursor.get(0) + "'");
            }
        }
        int to = Math.min(all.size(), from + pageSize);
        if (to < all.size()) {
            String next = call.scheme() + "://" + call.host() + call.exchange().getRequestURI().getRawPath()
                    + "?recursive=" + recursive + "&expand=" + expand + "&cursor=" + to;
            call.responseHeaders().set("Link", "<" + next + ">; rel=\"next\"");
        }
        call.sendJson(200, Json.write(all.subList(from, to)), commit.commit());
    }

    private void pathsInfo(Call call, RepoId repo, String revision) throws IOException, ServeError {
        String text = new String(call.body(), StandardCharsets.UTF_8);
        String contentType = call.requestHeader("Content-Type");
        List<String> paths = new ArrayList<>();
        boolean expand;
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("application/x-www-form-urlencoded")) {
            Map<String, List<String>> form = RequestPaths.query(text);
            paths.addAll(form.getOrDefault("paths", List.of()));
            expand = RequestPaths.flag(form, "expand");
        } else {
            expand = readJsonBody(text, paths);
        }
        StoreView view = lookup.view();
        StoreView.Commit commit = lookup.commit(repo, revision);
        if (lookup.pullsThrough() && !view.complete(commit)) {
            boolean missing = false;
            for (String path : paths) {
                if (SafePaths.isSafe(path) && !lookup.present(commit, path)) {
                    missing = true;
                }
            }
            if (missing) {
                commit = lookup.snapshot(repo, revision);
            }
        }
        List<StoreView.FileInfo> files = view.files(commit);
        Map<String, StoreView.FileInfo> byPath = new LinkedHashMap<>();
        for (StoreView.FileInfo file : files) {
            byPath.put(file.path(), file);
        }
        TreeEntries tree = new TreeEntries(commit, files, expand ? RepoInfoRoute.iso(view.modified(commit)) : null);
        List<Object> result = new ArrayList<>();
        for (String path : paths) {
            String clean = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (byPath.containsKey(clean)) {
                result.add(tree.file(byPath.get(clean)));
            } else if (!clean.isEmpty() && tree.isFolder(clean)) {
                result.add(tree.folder(clean));
            }
        }
        call.sendJson(200, Json.write(result), commit.commit());
    }

    /** Reads {@code {"paths": [...] | "...", "expand": bool}} into {@code paths}; answers {@code expand}. */
    private static boolean readJsonBody(String text, List<String> paths) throws ServeError {
        try {
            Map<String, Object> json = Json.parseObject(text);
            Object list = json.get("paths");
            if (list instanceof String single) {
                paths.add(single);
            } else if (list instanceof List<?> many) {
                for (Object each : many) {
                    if (!(each instanceof String path)) {
                        throw ServeError.badRequest("'paths' must hold strings");
                    }
                    paths.add(path);
                }
            } else {
                throw ServeError.badRequest("the body needs \"paths\": [...]");
            }
            return Boolean.TRUE.equals(json.get("expand"));
        } catch (JsonException ex) {
            throw ServeError.badRequest("the body is not JSON: " + ex.getMessage());
        }
    }
}
