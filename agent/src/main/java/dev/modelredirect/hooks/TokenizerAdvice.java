package dev.modelredirect.hooks;

import dev.modelredirect.bridge.Bridge;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into {@code HuggingFaceTokenizer.newInstance(String, Map)}: loads the tokenizer from the store by path and
 * skips the original body, so the native downloader is never reached.
 */
final class TokenizerAdvice {
    private TokenizerAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Object enter(@Advice.Origin Class<?> type, @Advice.Argument(0) String identifier,
            @Advice.Argument(1) Map<String, String> options) {
        return Bridge.tokenizer(type, identifier, options);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Object fromStore,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object tokenizer) {
        if (fromStore != null) {
            tokenizer = fromStore;
        }
    }
}
