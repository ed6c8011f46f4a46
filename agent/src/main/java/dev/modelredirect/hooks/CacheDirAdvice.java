package dev.modelredirect.hooks;

import dev.modelredirect.bridge.Bridge;
import java.nio.file.Path;
import net.bytebuddy.asm.Advice;

/** Inlined at the end of {@code Utils.getCacheDir()}: answers the store's DJL cache. */
final class CacheDirAdvice {
    private CacheDirAdvice() {
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Return(readOnly = false) Path cacheDir) {
        cacheDir = Bridge.cacheDir(cacheDir);
    }
}
