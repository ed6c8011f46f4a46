package dev.modelredirect.hooks;

import dev.modelredirect.bridge.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into Spring AI's {@code TransformersEmbeddingModel.getCachedResource(Resource)}, through which its model and
 * tokenizer resources pass: a remote resource is answered with the store's file, and the original body (which copies
 * the bytes into {@code java.io.tmpdir/spring-ai-onnx-generative}) is skipped.
 */
final class SpringAiResourceAdvice {
    private SpringAiResourceAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Object enter(@Advice.Argument(0) Object resource) {
        return Bridge.springAiResource(resource);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Object fromStore,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object resource) {
        if (fromStore != null) {
            resource = fromStore;
        }
    }
}
