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
    private static volatile LazyHandler handler;

    private BridgeInstallation() {
    }

    static void install(Config config, Set<String> hooks) {
        handler = new LazyHandler(config, hooks);
        Bridge.install(handler);
    }

    /** The store the hooks opened, or null while no hook has needed one. */
    static dev.modelredirect.store.ModelStore openedStore() {
        LazyHandler current = handler;
        Redirector redirector = current == null ? null : current.redirector;
        return redirector == null ? null : redirector.openedStore();
    }

    /**
     * Makes the {@link Redirector} (and loads the store's classes) only when a hook first calls; then registers the
     * status MBean in the background.
     */
    private static final class LazyHandler implements java.util.function.BiFunction<String, Object[], Object> {
        private final Config config;
        private final Set<String> hooks;
        private volatile Redirector redirector;

        LazyHandler(Config config, Set<String> hooks) {
            this.config = config;
            this.hooks = hooks;
        }

        @Override
        public Object apply(String operation, Object[] args) {
            Redirector current = redirector;
            if (current == null) {
                synchronized (this) {
                    if (redirector == null) {
                        redirector = new Redirector(config, hooks);
                        StatusRegistration.registerInBackground(StatusRegistration.AFTER_FIRST_HOOK_MILLIS);
                    }
                    current = redirector;
                }
            }
            return current.apply(operation, args);
        }
    }

    /** Hands the handler to the bootstrap copy of the bridge, by reflection (it is another class). */
    static void installIntoBootstrapCopy() throws ReflectiveOperationException {
        Class<?> copy = Class.forName(Bridge.class.getName(), true, null);
        copy.getMethod("install", java.util.function.BiFunction.class).invoke(null, handler);
    }
}
