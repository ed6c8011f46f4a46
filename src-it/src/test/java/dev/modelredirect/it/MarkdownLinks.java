package dev.modelredirect.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the links of Markdown files inside one repository, as a reader on the repository's web page would follow
 * them: a link to the web ({@code https://}, {@code mailto:}) is left alone; any other link must be relative, stay
 * inside the repository, name a file or folder that exists, and, with a {@code #fragment} into a Markdown file, name
 * one of its headings (with the anchors GitHub gives them) or an explicit {@code id}/{@code name} anchor. Links in code
 * blocks and code spans are not links.
 */
final class MarkdownLinks {
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");
    /** The target of an inline link or image, {@code ](target)} or {@code ](target "title")}. */
    private static final Pattern INLINE = Pattern.compile("\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** A reference definition, {@code [label]: target}. */
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HTML = Pattern.compile("(?:href|src)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern HTML_ANCHOR = Pattern.compile("(?:id|name)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern WEB = Pattern.compile("^(https?|mailto):.*", Pattern.CASE_INSENSITIVE);
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

    private final Path root;
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    MarkdownLinks(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Every broken link of {@code file}, one line each: {@code file:line: target: why}. */
    List<String> problems(Path file) {
        Path source = file.toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        Text text = Text.of(source);
        for (int i = 0; i < text.lines().size(); i++) {
            for (String target : text.targets(i)) {
                String why = check(source, target);
                if (why != null) {
                    problems.add(root.relativize(source) + ":" + (i + 1) + ": " + target + ": " + why);
                }
            }
        }
        return problems;
    }

    /** The lines of a Markdown file, and which of them are code (fenced blocks, fences included). */
    private record Text(List<String> lines, boolean[] code) {
        static Text of(Path file) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            boolean[] code = new boolean[lines.size()];
            boolean open = false;
            for (int i = 0; i < lines.size(); i++) {
                boolean fence = FENCE.matcher(lines.get(i)).find();
                code[i] = open || fence;
                if (fence) {
                    open = !open;
                }
            }
            return new Text(lines, code);
        }

        /** The link targets on line {@code index}, outside code. */
        List<String> targets(int index) {
            if (code[index]) {
                return List.of();
            }
            String line = CODE_SPAN.matcher(lines.get(index)).replaceAll("");
            List<String> targets = new ArrayList<>();
            for (Pattern pattern : List.of(INLINE, REFERENCE, HTML)) {
                Matcher matcher = pattern.matcher(line);
                while (matcher.find()) {
                    targets.add(matcher.group(1));
                }
            }
            return targets;
        }
    }

    /** Why {@code target}, linked from {@code source}, is broken, or null when it is fine. */
    String check(Path source, String target) {
        if (target.isEmpty()) {
            return "an empty link";
        }
        if (WEB.matcher(target).matches()) {
            return null;
        }
        if (SCHEME.matcher(target).matches()) {
            return "a " + target.substring(0, target.indexOf(':')) + ": link, which readers of the repository cannot "
                    + "follow; link a file of the repository by a relative path";
        }
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? null : target.substring(hash + 1);
        if (pathPart.startsWith("/")) {
            return "an absolute path; link files of the repository by a path relative to the linking file";
        }
        Path resolved = pathPart.isEmpty() ? source
                : source.getParent().resolve(URLDecoder.decode(pathPart, StandardCharsets.UTF_8)).normalize();
        if (!resolved.startsWith(root)) {
            return "points outside the repository (to " + resolved + "); copy what it says into the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file or folder in the repository";
        }
        if (fragment != null && !fragment.isEmpty() && resolved.getFileName().toString().endsWith(".md")
                && !anchorsOf(resolved).contains(fragment)) {
            return "no heading or anchor '" + fragment + "' in " + root.relativize(resolved);
        }
        return null;
    }

    /** The anchors of a Markdown file: GitHub's heading anchors, and explicit {@code id}/{@code name} attributes. */
    Set<String> anchorsOf(Path file) {
        return anchors.computeIfAbsent(file.toAbsolutePath().normalize(), path -> {
            Set<String> found = new LinkedHashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            Text text = Text.of(path);
            for (int i = 0; i < text.lines().size(); i++) {
                if (text.code()[i]) {
                    continue;
                }
                String line = text.lines().get(i);
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    String slug = slug(heading.group(2));
                    int count = seen.merge(slug, 1, Integer::sum);
                    found.add(count == 1 ? slug : slug + "-" + (count - 1));
                }
                Matcher html = HTML_ANCHOR.matcher(line);
                while (html.find()) {
                    found.add(html.group(1));
                }
            }
            return found;
        });
    }

    /**
     * GitHub's anchor for a heading: the text of its inline markup (link targets dropped), lower case, every character
     * that is not a letter, digit, space, hyphen or underscore removed, spaces turned into hyphens.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        StringBuilder slug = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }
}
