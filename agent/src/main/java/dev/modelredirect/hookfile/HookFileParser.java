package dev.modelredirect.hookfile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a hook file, untrusted text: one declaration per line,
 * {@code CLASS#METHOD(ARGTYPES) argN source|path}; blank lines and lines starting with {@code #} are skipped. A line
 * that does not follow the form is reported by number with what is wrong, and ignored; the others still count.
 *
 * <p>Accepted: class and type names made of Java identifiers separated by dots ({@code $} for nested classes), type
 * names with {@code []} suffixes or primitives, {@code <init>} for a constructor, {@code argN} within the parameter
 * list and naming a {@code String}, {@code Path}, {@code File}, {@code URL} or {@code URI} parameter. Bounded: at most
 * {@link #MAX_LINES} lines of at most {@link #MAX_LINE_LENGTH} characters, at most {@link #MAX_PARAMETERS} parameters.
 * Never throws on any input.
 */
public final class HookFileParser {
    /** Lines read at most; the rest of a longer file is reported and ignored. */
    public static final int MAX_LINES = 10_000;
    /** Characters in one line at most. */
    public static final int MAX_LINE_LENGTH = 2_000;
    /** Parameters of one method at most (the JVM allows 255 slots). */
    public static final int MAX_PARAMETERS = 255;

    /** The parameter types whose argument can be rewritten. */
    public static final Set<String> REWRITABLE = Set.of("java.lang.String", "java.nio.file.Path", "java.io.File",
            "java.net.URL", "java.net.URI");

    private static final Set<String> PRIMITIVES = Set.of("boolean", "byte", "char", "short", "int", "long", "float",
            "double");
    private static final String FORM = "write CLASS#METHOD(ARGTYPES) argN source|path, e.g. "
            + "com.example.Loader#load(java.lang.String) arg0 source";

    /**
     * The declarations of a hook file and one message per malformed line.
     *
     * @param declarations the well-formed lines, in order
     * @param errors       {@code NAME line N: what is wrong; ...}, one per ignored line
     */
    public record Parsed(List<HookDeclaration> declarations, List<String> errors) {
    }

    private HookFileParser() {
    }

    /**
     * Parses the text of a hook file.
     *
     * @param name what to call the file in messages (its path)
     */
    public static Parsed parse(String name, String text) {
        List<HookDeclaration> declarations = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        if (text == null) {
            return new Parsed(List.of(), List.of());
        }
        Map<String, Integer> seen = new HashMap<>();
        int number = 0;
        int start = 0;
        int length = text.length();
        while (start <= length) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            number++;
            String line = text.substring(start, end);
            start = end + 1;
            if (number > MAX_LINES) {
                errors.add(name + " line " + number + ": the file has more than " + MAX_LINES
                        + " lines; the rest is ignored");
                break;
            }
            if (number == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            try {
                HookDeclaration declaration = parseLine(number, trimmed);
                Integer earlier = seen.putIfAbsent(declaration.text(), number);
                if (earlier != null) {
                    throw new IllegalArgumentException("it repeats line " + earlier);
                }
                declarations.add(declaration);
            } catch (IllegalArgumentException ex) {
                errors.add(name + " line " + number + ": " + ex.getMessage() + "; the line is ignored (" + FORM
                        + ")");
            }
        }
        return new Parsed(List.copyOf(declarations), List.copyOf(errors));
    }

    private static HookDeclaration parseLine(int number, String line) {
        if (line.length() > MAX_LINE_LENGTH) {
            throw new IllegalArgumentException("the line is longer than " + MAX_LINE_LENGTH + " characters");
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                throw new IllegalArgumentException("it holds the control character U+"
                        + String.format("%04X", (int) c));
            }
        }
        int hash = line.indexOf('#');
        int open = line.indexOf('(');
        int close = line.indexOf(')');
        if (hash <= 0 || open < hash || close < open) {
            throw new IllegalArgumentException("expected CLASS#METHOD(ARGTYPES) at the start");
        }
        String className = line.substring(0, hash).strip();
        if (!isQualifiedName(className)) {
            throw new IllegalArgumentException("'" + shorten(className) + "' is not a class name");
        }
        String methodName = line.substring(hash + 1, open).strip();
        if (!methodName.equals("<init>") && !isIdentifier(methodName)) {
            throw new IllegalArgumentException("'" + shorten(methodName)
                    + "' is not a method name (a Java identifier, or <init> for a constructor)");
        }
        List<String> types = parameterTypes(line.substring(open + 1, close));
        String[] rest = words(line.substring(close + 1));
        if (rest.length != 2) {
            throw new IllegalArgumentException("expected 'argN source' or 'argN path' after the parameter list");
        }
        int argument = argumentIndex(rest[0], types.size());
        HookDeclaration.Kind kind = switch (rest[1]) {
            case "source" -> HookDeclaration.Kind.SOURCE;
            case "path" -> HookDeclaration.Kind.PATH;
            default -> throw new IllegalArgumentException("'" + shorten(rest[1]) + "' is neither source nor path");
        };
        if (!REWRITABLE.contains(types.get(argument))) {
            throw new IllegalArgumentException("arg" + argument + " is a " + types.get(argument)
                    + "; only String, java.nio.file.Path, java.io.File, java.net.URL and java.net.URI arguments "
                    + "are rewritten");
        }
        return new HookDeclaration(number, className, methodName, types, argument, kind);
    }

    private static List<String> parameterTypes(String list) {
        List<String> types = new ArrayList<>();
        if (list.isBlank()) {
            return types;
        }
        for (String part : list.split(",", -1)) {
            String type = part.strip();
            if (types.size() == MAX_PARAMETERS) {
                throw new IllegalArgumentException("more than " + MAX_PARAMETERS + " parameters");
            }
            String element = type;
            while (element.endsWith("[]")) {
                element = element.substring(0, element.length() - 2);
            }
            if (!(PRIMITIVES.contains(element) || isQualifiedName(element))) {
                throw new IllegalArgumentException("'" + shorten(type) + "' is not a parameter type (a class "
                        + "name such as java.lang.String, a primitive, or either with [])");
            }
            types.add(type);
        }
        return types;
    }

    /** The words of {@code text} split at spaces and tabs (no regular expression: this runs before {@code main}). */
    private static String[] words(String text) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                i++;
            }
            if (i > start) {
                words.add(text.substring(start, i));
            }
        }
        return words.toArray(new String[0]);
    }

    private static int argumentIndex(String token, int parameters) {
        if (!token.startsWith("arg") || token.length() < 4 || token.length() > 6) {
            throw new IllegalArgumentException("'" + shorten(token) + "' is not argN (arg0 is the first argument)");
        }
        int index = 0;
        for (int i = 3; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("'" + shorten(token) + "' is not argN (arg0 is the first "
                        + "argument)");
            }
            index = index * 10 + (c - '0');
        }
        if (index >= parameters) {
            throw new IllegalArgumentException(token + " is beyond the " + parameters + " parameter(s) declared");
        }
        return index;
    }

    private static boolean isQualifiedName(String name) {
        if (name.isEmpty() || name.length() > 1000) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (!isIdentifier(part)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIdentifier(String name) {
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Character.isJavaIdentifierPart(name.charAt(i)) || Character.isIdentifierIgnorable(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
