package dev.modelredirect.agent;

import dev.modelredirect.bridge.Bridge;
import dev.modelredirect.config.Config;
import dev.modelredirect.hooks.Redirector;
import java.util.Set;

/**
 * Installs the hooks' handler into {@link Bridge}, and into the bootstrap copy of it when a library class loader that
 * cannot see the agent jar first appears (see {@link BootstrapBridge}).
 */
final class BridgeInstallation {
    private static volatile Redirector handler;

    private BridgeInstallation() {
    }

    static void install(Config config, Set<String> hooks) {
        handler = new Redirector(config, hooks);
        Bridge.install(handler);
    }

    /** Hands the handler to the bootstrap copy of the bridge, by reflection (it is another class). */
    static void installIntoBootstrapCopy() throws ReflectiveOperationException {
        Class<?> copy = Class.forName(Bridge.class.getName(), true, null);
        copy.getMethod("install", java.util.function.BiFunction.class).invoke(null, handler);
    }
}
