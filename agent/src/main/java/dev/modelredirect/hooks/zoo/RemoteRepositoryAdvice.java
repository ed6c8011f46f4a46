package dev.modelredirect.hooks.zoo;

import dev.modelredirect.bridge.Bridge;
import java.net.URI;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of the constructor {@code RemoteRepository(String, URI)}: the DJL model repository's base URL
 * becomes the store's copy of it, {@code file:<store>/zoo/}, so every read of DJL's zoo (index, metadata, artifacts)
 * opens a file of the store; {@link LocateAdvice}, {@link DownloadAdvice} and {@link ListModelsAdvice} fetch those
 * files first.
 */
public final class RemoteRepositoryAdvice {
    private RemoteRepositoryAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 1, readOnly = false) URI uri) {
        uri = Bridge.zooBase(uri);
    }
}
