package dev.modelredirect.hookfile;

import java.util.List;

/**
 * One line of a hook file: the method whose argument is rewritten before it runs, and what it wants in its place.
 *
 * @param line           the line's number in the file, from 1
 * @param className      the class, as a binary name ({@code a.b.Outer$Inner})
 * @param methodName     the method, or {@code <init>} for a constructor
 * @param parameterTypes the parameter types, as written ({@code java.lang.String}, {@code byte[]}, {@code int})
 * @param argument       the index of the rewritten argument
 * @param kind           what the method wants: a local {@link Kind#PATH} or a {@link Kind#SOURCE} it opens itself
 */
public record HookDeclaration(int line, String className, String methodName, List<String> parameterTypes,
        int argument, Kind kind) {

    /** What a rewritten {@code String} argument becomes; typed arguments take the form of their type. */
    public enum Kind {
        /** The store file's absolute path. */
        PATH,
        /** The store file's {@code file:} URL. */
        SOURCE
    }

    public HookDeclaration {
        parameterTypes = List.copyOf(parameterTypes);
    }

    /** {@code a/b/Outer$Inner}, as the JVM names the class. */
    public String internalClassName() {
        return className.replace('.', '/');
    }

    /** Whether it names a constructor. */
    public boolean isConstructor() {
        return methodName.equals("<init>");
    }

    /** The declaration in its one canonical spelling: {@code CLASS#METHOD(TYPES) argN path|source}. */
    public String text() {
        return className + "#" + methodName + "(" + String.join(",", parameterTypes) + ") arg" + argument + " "
                + (kind == Kind.PATH ? "path" : "source");
    }

    /** The type of the rewritten argument. */
    public String argumentType() {
        return parameterTypes.get(argument);
    }
}
