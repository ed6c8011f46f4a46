package dev.modelredirect.hooks;

import dev.modelredirect.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of {@code Repository.newInstance(String, String)}: swaps the URL for the store's. */
final class RepositoryAdvice {
    private RepositoryAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) String name, @Advice.Argument(value = 1, readOnly = false) String url) {
        url = Bridge.repositoryUrl(name, url);
    }
}
