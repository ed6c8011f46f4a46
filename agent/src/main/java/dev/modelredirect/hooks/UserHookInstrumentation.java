package dev.modelredirect.hooks;

import dev.modelredirect.hookfile.DeclaredHooks;
import dev.modelredirect.hookfile.HookDeclaration;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The {@code user} hook for one class: for each line of the hook file that names it, advice on the declared method
 * (matched by name and exact parameter types). A line that matches no method of the class is a misfit naming the line.
 */
final class UserHookInstrumentation {
    private UserHookInstrumentation() {
    }

    /**
     * Adds the advice of every declaration of {@code type} to {@code visitors}, and one misfit per line that matches
     * nothing.
     *
     * @return {@code [user]} when at least one line applies, else empty
     */
    static List<String> add(TypeDescription type, List<AsmVisitorWrapper> visitors, List<String> misfits) {
        boolean any = false;
        for (HookDeclaration declaration : DeclaredHooks.forClass(type.getInternalName())) {
            ElementMatcher<MethodDescription> method = matcher(declaration);
            if (type.getDeclaredMethods().filter(method).isEmpty()) {
                misfits.add(HookCatalog.USER + ": line " + declaration.line() + " of the hook file ("
                        + declaration.text() + ") matches no " + (declaration.isConstructor() ? "constructor"
                        : "method") + " of " + type.getName() + "; the line is skipped");
                continue;
            }
            visitors.add(Advice.withCustomMapping()
                    .bind(UserArgumentAdvice.Declaration.class, declaration.text())
                    .bind(UserArgumentAdvice.Index.class, declaration.argument())
                    .to(UserArgumentAdvice.class).on(method));
            any = true;
        }
        return any ? List.of(HookCatalog.USER) : List.of();
    }

    private static ElementMatcher<MethodDescription> matcher(HookDeclaration declaration) {
        return method -> {
            boolean named = declaration.isConstructor() ? method.isConstructor()
                    : method.isMethod() && method.getName().equals(declaration.methodName());
            if (!named || method.getParameters().size() != declaration.parameterTypes().size()) {
                return false;
            }
            List<TypeDescription> types = method.getParameters().asTypeList().asErasures();
            for (int i = 0; i < types.size(); i++) {
                if (!types.get(i).getActualName().equals(declaration.parameterTypes().get(i))) {
                    return false;
                }
            }
            return !method.isAbstract() && !method.isNative();
        };
    }
}
