package dev.modelredirect.files;

import java.nio.file.Path;

/**
 * Checks relative paths that come from outside (server answers, archives, user input) before they touch the disk.
 *
 * <p>A safe path is non-empty, {@code /}-separated, relative, and has no {@code .} or {@code ..} segment, no empty
 * segment, no backslash, no drive ({@code C:}), no UNC prefix, no NUL or other control character, and no segment
 * longer than 255 characters. Whatever passes cannot name anything outside the folder it is resolved against.
 */
public final class SafePaths {
    private SafePaths() {
    }

    /** Whether {@code path} is safe. */
    public static boolean isSafe(String path) {
        return problem(path) == null;
    }

    /** Why {@code path} is unsafe, or null when it is safe. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "it is empty";
        }
        if (path.startsWith("/") || path.startsWith("\\")) {
            return "it is absolute";
        }
        if (path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0))) {
            return "it names a drive";
        }
        if (path.indexOf('\\') >= 0) {
            return "it contains a backslash";
        }
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) < 0x20 || path.charAt(i) == 0x7f) {
                return "it contains a control character";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "it has an empty segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "it has a '" + segment + "' segment";
            }
            if (segment.length() > 255) {
                return "a segment is longer than 255 characters";
            }
        }
        return null;
    }

    /**
     * Resolves a checked relative path under {@code root}, and checks again that the result stays inside.
     *
     * @throws UnsafePathException naming {@code what} when the path is unsafe
     */
    public static Path resolve(Path root, String path, String what) throws UnsafePathException {
        String problem = problem(path);
        if (problem != null) {
            throw new UnsafePathException("refused " + what + " '" + printable(path) + "': " + problem
                    + "; only plain relative paths are accepted. Check where this name comes from");
        }
        Path resolved = root.resolve(path).normalize();
        if (!resolved.startsWith(root.normalize())) {
            throw new UnsafePathException("refused " + what + " '" + printable(path) + "': it leads outside " + root);
        }
        return resolved;
    }

    private static String printable(String path) {
        if (path == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (char c : path.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.length() > 300 ? out.substring(0, 300) + "..." : out.toString();
    }
}
