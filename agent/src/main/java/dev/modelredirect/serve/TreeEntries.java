package dev.modelredirect.serve;

import dev.modelredirect.hub.GitObjects;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tree API's entries of one snapshot as the Hub writes them: files with their git and LFS ids, folders with
 * their git tree ids (computed from the files the store has), optionally each with its {@code lastCommit}.
 * Immutable once built; one per request.
 */
final class TreeEntries {
    private final StoreView.Commit commit;
    private final List<StoreView.FileInfo> files;
    private final Map<String, List<GitObjects.TreeItem>> children = new TreeMap<>();
    private final Map<String, String> treeIds = new LinkedHashMap<>();
    private final String date;

    /** @param date the {@code lastCommit} date of every entry, or null to leave {@code lastCommit} out */
    TreeEntries(StoreView.Commit commit, List<StoreView.FileInfo> files, String date) {
        this.commit = commit;
        this.files = files;
        this.date = date;
        children.put("", new ArrayList<>());
        for (StoreView.FileInfo file : files) {
            String parent = parentOf(file.path());
            children.computeIfAbsent(parent, k -> new ArrayList<>())
                    .add(new GitObjects.TreeItem(nameOf(file.path()), file.gitOid(), false));
            for (String folder = parent; !folder.isEmpty(); folder = parentOf(folder)) {
                children.computeIfAbsent(parentOf(folder), k -> new ArrayList<>());
                children.computeIfAbsent(folder, k -> new ArrayList<>());
            }
        }
        List<String> folders = new ArrayList<>(children.keySet());
        folders.sort((a, b) -> Integer.compare(depth(b), depth(a)));
        for (String folder : folders) {
            if (!folder.isEmpty()) {
                children.get(parentOf(folder)).add(new GitObjects.TreeItem(nameOf(folder), null, true));
            }
        }
        for (String folder : folders) {
            List<GitObjects.TreeItem> items = new ArrayList<>();
            for (GitObjects.TreeItem item : children.get(folder)) {
                String full = folder.isEmpty() ? item.name() : folder + "/" + item.name();
                items.add(item.directory() ? new GitObjects.TreeItem(item.name(), treeIds.get(full), true) : item);
            }
            treeIds.put(folder, GitObjects.treeId(items));
        }
    }

    /** Whether {@code folder} ("" for the root) is a folder of the snapshot. */
    boolean isFolder(String folder) {
        return children.containsKey(folder);
    }

    /**
     * The entries under {@code path} (null: the root): its children, or with {@code recursive} everything below, in
     * path order; null when {@code path} is not a folder of the snapshot.
     */
    List<Map<String, Object>> under(String path, boolean recursive) {
        String base = path == null ? "" : path;
        if (!children.containsKey(base)) {
            return null;
        }
        String prefix = base.isEmpty() ? "" : base + "/";
        List<Map<String, Object>> entries = new ArrayList<>();
        for (String folder : children.keySet()) {
            if (!folder.isEmpty() && folder.startsWith(prefix) && (recursive || parentOf(folder).equals(base))) {
                entries.add(folder(folder));
            }
        }
        for (StoreView.FileInfo file : files) {
            if (file.path().startsWith(prefix) && (recursive || parentOf(file.path()).equals(base))) {
                entries.add(file(file));
            }
        }
        entries.sort((a, b) -> ((String) a.get("path")).compareTo((String) b.get("path")));
        return entries;
    }

    /** The entry of a folder that {@link #isFolder} says exists. */
    Map<String, Object> folder(String folder) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", "directory");
        entry.put("oid", treeIds.get(folder));
        entry.put("size", 0);
        entry.put("path", folder);
        if (date != null) {
            entry.put("lastCommit", lastCommit());
        }
        return entry;
    }

    Map<String, Object> file(StoreView.FileInfo file) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", "file");
        entry.put("oid", file.gitOid());
        entry.put("size", file.size());
        entry.put("path", file.path());
        if (file.lfs()) {
            Map<String, Object> lfs = new LinkedHashMap<>();
            lfs.put("oid", file.lfsSha256());
            lfs.put("size", file.size());
            lfs.put("pointerSize", file.pointerSize());
            entry.put("lfs", lfs);
        }
        if (date != null) {
            entry.put("lastCommit", lastCommit());
        }
        return entry;
    }

    private Map<String, Object> lastCommit() {
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("id", commit.commit());
        last.put("title", "");
        last.put("date", date);
        return last;
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static int depth(String folder) {
        if (folder.isEmpty()) {
            return 0;
        }
        int depth = 1;
        for (int i = 0; i < folder.length(); i++) {
            if (folder.charAt(i) == '/') {
                depth++;
            }
        }
        return depth;
    }
}
