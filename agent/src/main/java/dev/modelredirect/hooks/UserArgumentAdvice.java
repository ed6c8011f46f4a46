package dev.modelredirect.hooks;

import dev.modelredirect.bridge.Bridge;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined at the start of each method a hook file names: hands the declared argument to the bridge and passes the
 * store's file on in its place. The declaration and the argument's index are bound as constants per method.
 */
final class UserArgumentAdvice {
    private UserArgumentAdvice() {
    }

    /** Bound to the declaration's canonical text. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Declaration {
    }

    /** Bound to the index of the rewritten argument. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Index {
    }

    @Advice.OnMethodEnter
    static void enter(@Declaration String declaration, @Index int index,
            @Advice.AllArguments(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object[] arguments) {
        Object value = arguments[index];
        Object rewritten = Bridge.userArgument(declaration, value);
        if (rewritten != value) {
            Object[] changed = arguments.clone();
            changed[index] = rewritten;
            arguments = changed;
        }
    }
}
