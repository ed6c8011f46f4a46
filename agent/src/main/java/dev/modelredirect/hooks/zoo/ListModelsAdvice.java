package dev.modelredirect.hooks.zoo;

import dev.modelredirect.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code ModelZoo.listModels(Repository, Application)}: the zoo's index of that application
 * ({@code models.json.gz}) into the store before DJL reads it.
 */
public final class ListModelsAdvice {
    private ListModelsAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object zoo, @Advice.Argument(0) Object repository,
            @Advice.Argument(1) Object application) {
        Bridge.zooIndex(zoo, repository, application);
    }
}
