package dev.modelredirect.store;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which files of a repository snapshot to fetch: {@code pull --include GLOB --exclude GLOB}, with the semantics of
 * {@code hf download}: with any include pattern, only paths matching one of them; then no path matching an exclude
 * pattern. Patterns are fnmatch-style over the whole path ({@code *} matches any characters, {@code /} included;
 * {@code ?} one character; {@code [abc]}, {@code [!abc]} a set); a pattern ending in {@code /} means everything
 * under that folder. Immutable.
 *
 * @param include patterns a path must match one of (none: every path)
 * @param exclude patterns a path must match none of
 */
public record FileFilter(List<String> include, List<String> exclude) {
    /** Every file. */
    public static final FileFilter ALL = new FileFilter(List.of(), List.of());
    /** The most patterns a filter (from a command line or a lock file) holds. */
    static final int MAX_PATTERNS = 100;
    /** The longest pattern accepted. */
    static final int MAX_PATTERN_LENGTH = 1000;

    public FileFilter {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** Whether this filter lets every file through. */
    public boolean isAll() {
        return include.isEmpty() && exclude.isEmpty();
    }

    /** Whether {@code path} (relative, {@code /}-separated) is fetched. */
    public boolean matches(String path) {
        if (!include.isEmpty() && include.stream().noneMatch(p -> glob(p, path))) {
            return false;
        }
        return exclude.stream().noneMatch(p -> glob(p, path));
    }

    /** Why these patterns cannot be used (too many, too long, empty, control characters), or null. */
    public String problem() {
        if (include.size() + exclude.size() > MAX_PATTERNS) {
            return "more than " + MAX_PATTERNS + " include/exclude patterns";
        }
        for (String pattern : concat()) {
            if (pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
                return "pattern '" + pattern + "' is empty or longer than " + MAX_PATTERN_LENGTH + " characters";
            }
            if (pattern.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                return "pattern '" + pattern.replaceAll("\\p{Cntrl}", "?") + "' holds control characters";
            }
        }
        return null;
    }

    private List<String> concat() {
        java.util.List<String> all = new java.util.ArrayList<>(include);
        all.addAll(exclude);
        return all;
    }

    /** fnmatch of Python's standard library, case-sensitive. */
    static boolean glob(String pattern, String path) {
        String effective = pattern.endsWith("/") ? pattern + "*" : pattern;
        return Pattern.compile(toRegex(effective), Pattern.DOTALL).matcher(path).matches();
    }

    private static String toRegex(String pattern) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i++);
            if (c == '*') {
                out.append(".*");
            } else if (c == '?') {
                out.append('.');
            } else if (c == '[') {
                int j = i;
                if (j < n && pattern.charAt(j) == '!') {
                    j++;
                }
                if (j < n && pattern.charAt(j) == ']') {
                    j++;
                }
                while (j < n && pattern.charAt(j) != ']') {
                    j++;
                }
                if (j >= n) {
                    out.append("\\[");
                } else {
                    String set = pattern.substring(i, j).replace("\\", "\\\\");
                    i = j + 1;
                    if (set.startsWith("!")) {
                        set = "^" + set.substring(1);
                    } else if (set.startsWith("^")) {
                        set = "\\" + set;
                    }
                    out.append('[').append(set.replace("[", "\\[").replace("&&", "&\\&")).append(']');
                }
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }
}
