package dev.modelredirect.agent;

import dev.modelredirect.config.Config;
import dev.modelredirect.log.Log;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers the {@link ModelStoreMXBean} once per JVM, on a low-priority daemon thread: making the platform MBean
 * server costs tens of milliseconds of CPU, so it never happens in {@code premain} nor on an application thread, and
 * not while the application loads its first model: the thread starts when a hook first calls and waits
 * {@link #AFTER_FIRST_HOOK_MILLIS} first. When the agent is attached to a running JVM it registers at once. A failure
 * is logged at debug level and changes nothing else.
 */
final class StatusRegistration {
    /** Wait between the first hook call and the registration, so start-up and the first model load go first. */
    static final long AFTER_FIRST_HOOK_MILLIS = 2000;

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile Supplier<ModelStoreStatus> status;

    private StatusRegistration() {
    }

    /** Remembers what the MBean will show; cheap, for {@code premain}. */
    static void prepare(Config config, List<String> hooks, Supplier<? extends Collection<String>> installed) {
        status = () -> new ModelStoreStatus(config, hooks, installed, BridgeInstallation::openedStore);
    }

    /** Starts the registration thread, the first time only; it registers after {@code delayMillis}. */
    static void registerInBackground(long delayMillis) {
        if (status == null || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException ex) {
                return;
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
            server.registerMBean(status.get(), name);
            Log.debug("live status registered as the MBean %s", name);
        } catch (Throwable ex) {
            Log.debug("the live-status MBean could not be registered (%s); the agent works without it", ex);
        }
    }
}
