package dev.modelredirect.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Git object ids as the Hub reports them: the blob id of a small file, the blob id of an LFS file's pointer text, and
 * tree ids of folders.
 */
public final class GitObjects {
    private GitObjects() {
    }

    /** The text git stores in place of an LFS file. */
    public static String lfsPointer(String sha256, long size) {
        return "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256 + "\nsize " + size + "\n";
    }

    /** The git blob id of {@code bytes}: sha1 of {@code "blob <n>\0"} and the bytes. */
    public static String blobId(byte[] bytes) {
        MessageDigest sha1 = sha1();
        sha1.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(bytes));
    }

    /** One entry of a git tree: a file (mode 100644) or a folder (mode 40000). */
    public record TreeItem(String name, String oid, boolean directory) {
    }

    /** The git tree id of a folder holding {@code items}, in git's order (folders compared as if named "name/"). */
    public static String treeId(List<TreeItem> items) {
        List<TreeItem> sorted = items.stream()
                .sorted((a, b) -> sortKey(a).compareTo(sortKey(b))).toList();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (TreeItem item : sorted) {
            body.writeBytes(((item.directory() ? "40000 " : "100644 ") + item.name() + "\0")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(HexFormat.of().parseHex(item.oid()));
        }
        byte[] bytes = body.toByteArray();
        MessageDigest sha1 = sha1();
        sha1.update(("tree " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(bytes));
    }

    private static String sortKey(TreeItem item) {
        // git compares raw bytes; UTF-8 bytes compare like code points, which ISO-8859-1 strings of them preserve
        String name = new String(item.name().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        return item.directory() ? name + "/" : name;
    }

    /** A SHA-1 digest (every JVM has one). */
    public static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", ex);
        }
    }
}
