package dev.modelredirect.store;

import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.hub.GitObjects;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Lays a local folder out as a Hub repository in a store's {@code hub/} folder, as if it had been downloaded: blobs
 * named like the Hub names them (sha256 for large or binary files, which the Hub keeps in LFS; git blob sha1 for the
 * others), snapshot links, the ref, and the tree file. The commit id is derived from the content, so publishing the
 * same files twice gives the same commit. Used to serve one's own models (a private mirror, the demo) with
 * {@code serve}.
 */
public final class HubPublisher {
    /** Files from this size on are named by sha256, as the Hub's LFS files are. */
    public static final long LFS_THRESHOLD = 1 << 20;
    private static final List<String> BINARY = List.of(".bin", ".params", ".pt", ".pth", ".onnx", ".safetensors",
            ".zip", ".tar", ".gz", ".tgz", ".h5", ".msgpack", ".ckpt", ".gguf", ".npz", ".pb", ".tflite");

    private HubPublisher() {
    }

    /**
     * Publishes every regular file under {@code folder} as {@code repo} at {@code revision} in {@code hubRoot}.
     *
     * @return the commit id
     */
    public static String publish(Path hubRoot, RepoId repo, String revision, Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new StoreException("cannot publish " + folder + ": it is not a folder; name the folder whose files "
                    + "make the repository");
        }
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String path = folder.relativize(file).toString().replace('\\', '/');
                if (!SafePaths.isSafe(path)) {
                    throw new StoreException("cannot publish " + file + ": its name is not a plain relative path");
                }
                files.put(path, file);
            }
        }
        if (files.isEmpty()) {
            throw new StoreException("cannot publish " + folder + ": it holds no file");
        }
        HubLayout layout = new HubLayout(hubRoot);
        Map<String, Object> tree = new LinkedHashMap<>();
        MessageDigest commitDigest = GitObjects.sha1();
        Map<String, String> blobs = new LinkedHashMap<>();
        for (Map.Entry<String, Path> entry : files.entrySet()) {
            Path file = entry.getValue();
            Hashing.Digests digests = Hashing.digestsOf(file);
            long size = digests.size();
            String sha256 = digests.sha256();
            String gitSha1 = digests.gitSha1();
            boolean lfs = size >= LFS_THRESHOLD || isBinary(entry.getKey());
            String blob = lfs ? sha256 : gitSha1;
            blobs.put(entry.getKey(), blob);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("size", size);
            info.put("blob_id", lfs ? GitObjects.blobId(GitObjects.lfsPointer(sha256, size).getBytes(StandardCharsets.US_ASCII))
                    : gitSha1);
            if (lfs) {
                info.put("lfs_sha256", sha256);
                info.put("lfs_size", size);
            }
            tree.put(entry.getKey(), info);
            commitDigest.update((entry.getKey() + " " + size + " " + sha256 + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String commit = HexFormat.of().formatHex(commitDigest.digest());
        for (Map.Entry<String, String> entry : blobs.entrySet()) {
            Path blob = layout.blob(repo, entry.getValue());
            if (!Files.exists(blob)) {
                GroupAccess.createDirectories(blob.getParent());
                Path temp = AtomicFiles.temporarySibling(blob);
                try {
                    Files.copy(files.get(entry.getKey()), temp, StandardCopyOption.REPLACE_EXISTING);
                    GroupAccess.share(temp);
                    AtomicFiles.move(temp, blob);
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            AtomicFiles.link(layout.snapshotFile(repo, commit, entry.getKey()),
                    HubLayout.linkTarget(entry.getKey(), entry.getValue()), blob);
        }
        Map<String, Object> treeFile = new LinkedHashMap<>();
        treeFile.put("format_version", 1);
        treeFile.put("files", tree);
        AtomicFiles.writeString(layout.tree(repo, commit), Json.write(treeFile));
        if (!revision.equals(commit)) {
            AtomicFiles.write(layout.ref(repo, revision), commit.getBytes(StandardCharsets.US_ASCII));
        }
        return commit;
    }

    private static boolean isBinary(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return BINARY.stream().anyMatch(lower::endsWith);
    }
}
