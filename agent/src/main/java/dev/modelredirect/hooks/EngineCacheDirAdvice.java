package dev.modelredirect.hooks;

import dev.modelredirect.bridge.Bridge;
import java.nio.file.Path;
import net.bytebuddy.asm.Advice;

/** Inlined at the end of {@code Utils.getEngineCacheDir()}: answers the store's engine folder. */
final class EngineCacheDirAdvice {
    private EngineCacheDirAdvice() {
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Return(readOnly = false) Path engineCacheDir) {
        engineCacheDir = Bridge.engineCacheDir(engineCacheDir);
    }
}
