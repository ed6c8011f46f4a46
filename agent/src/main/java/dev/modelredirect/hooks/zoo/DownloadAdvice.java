package dev.modelredirect.hooks.zoo;

import dev.modelredirect.bridge.Bridge;
import java.net.URI;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code AbstractRepository.download(Path, URI, Artifact.Item, Progress)}: the artifact file
 * into the store, verified, before DJL reads (and unpacks) it from there.
 */
public final class DownloadAdvice {
    private DownloadAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object repository, @Advice.Argument(1) URI base, @Advice.Argument(2) Object item) {
        Bridge.zooArtifact(repository, base, item);
    }
}
