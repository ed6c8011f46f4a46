package dev.modelredirect.hooks;

import dev.modelredirect.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code Ec2Utils.callHome(String)}: skips it when offline, so offline means no connection at all. */
final class CallHomeAdvice {
    private CallHomeAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter() {
        return Bridge.skipCallHome();
    }
}
