package dev.modelredirect.hooks.zoo;

import dev.modelredirect.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of {@code RemoteRepository.locate(MRL)}: the model's {@code metadata.json} into the store. */
public final class LocateAdvice {
    private LocateAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object repository, @Advice.Argument(0) Object mrl) {
        Bridge.zooMetadata(repository, mrl);
    }
}
