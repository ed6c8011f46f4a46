package dev.modelredirect.agent;

import dev.modelredirect.config.Config;
import dev.modelredirect.log.Log;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * Registers the {@link ModelStoreMXBean} once per JVM, on a low-priority daemon thread: making the platform MBean
 * server costs tens of milliseconds of CPU, so it never happens in {@code premain} nor on an application thread, and
 * not while the application starts and loads its first model. The thread starts when a hook first calls; it registers
 * as soon as something else has made the MBean server (a JMX agent, jconsole attaching, an exporter), since then it
 * costs a millisecond, and at the latest {@link #AFTER_FIRST_HOOK_MILLIS} after that first call. When the agent is
 * attached to a running JVM it registers at once. A failure is logged at debug level and changes nothing else.
 */
final class StatusRegistration {
    /** Longest wait between the first hook call and the registration, so start-up and the first model load go first. */
    static final long AFTER_FIRST_HOOK_MILLIS = 10_000;
    /** How often the waiting thread looks whether an MBean server exists already. */
    private static final long LOOK_MILLIS = 250;

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile Config config;
    private static volatile List<String> hooks;
    private static volatile HookTransformer transformer;

    private StatusRegistration() {
    }

    /**
     * Remembers what the MBean will show; for {@code premain}, so it only stores references (no lambda, no MBean
     * class is loaded here).
     */
    static void prepare(Config agentConfig, List<String> agentHooks, HookTransformer agentTransformer) {
        hooks = agentHooks;
        transformer = agentTransformer;
        config = agentConfig;
    }

    /**
     * Starts the registration thread, the first time only; it registers once an MBean server exists, or after
     * {@code delayMillis}.
     */
    static void registerInBackground(long delayMillis) {
        if (config == null || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                long waited = 0;
                while (waited < delayMillis && MBeanServerFactory.findMBeanServer(null).isEmpty()) {
                    Thread.sleep(LOOK_MILLIS);
                    waited += LOOK_MILLIS;
                }
            } catch (InterruptedException ex) {
                return;
            } catch (RuntimeException ex) {
                // cannot look: register now
            }
            register();
        }, "model-redirect-jmx");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private static void register() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(ModelStoreMXBean.OBJECT_NAME);
            if (server.isRegistered(name)) {
                Log.debug("%s is registered already (another copy of the agent); not registered again", name);
                return;
            }
            HookTransformer installed = transformer;
            server.registerMBean(new ModelStoreStatus(config, hooks, installed::installed,
                    BridgeInstallation::openedStore), name);
            Log.debug("live status registered as the MBean %s", name);
        } catch (Throwable ex) {
            Log.debug("the live-status MBean could not be registered (%s); the agent works without it", ex);
        }
    }
}
