package dev.modelredirect.agent;

import dev.modelredirect.config.Config;
import dev.modelredirect.config.ConfigLoader;
import dev.modelredirect.log.Log;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The Java agent: {@code -javaagent:model-redirect.jar[=key=value,...]}, or attached to a running JVM.
 *
 * <p>At start it reads the configuration, prints one line ({@code store=... hooks=... offline=...}), arms the bridge
 * the hooks call, and registers a transformer that matches the hooks' classes by name. Nothing else is
 * loaded until a target class appears: no Byte Buddy, no HTTP client, no store. An application without DJL runs as it
 * would without the agent. With {@code strict=true}, a bad key or a hook that does not fit the library on the class
 * path stops the JVM with exit code 78 before {@code main}. No exception of the agent reaches the application. The
 * live-status MBean ({@link ModelStoreMXBean}) is registered in the background after a hook first calls (see
 * {@link StatusRegistration}), or at once when attached.
 */
public final class Agent {
    private Agent() {
    }

    /** Entry point when started with {@code -javaagent}. */
    public static void premain(String args, Instrumentation instrumentation) {
        start(args, instrumentation, false);
    }

    /** Entry point when attached to a running JVM: already loaded target classes are retransformed. */
    public static void agentmain(String args, Instrumentation instrumentation) {
        start(args, instrumentation, true);
    }

    private static void start(String args, Instrumentation instrumentation, boolean attached) {
        try {
            List<String> argProblems = new ArrayList<>();
            Map<String, String> explicit = ConfigLoader.parseAgentArgs(args, argProblems);
            Config config = ConfigLoader.load(explicit, "agent argument");
            Log.setLevel(config.log());
            List<String> problems = new ArrayList<>(argProblems);
            problems.addAll(config.problems());
            for (String problem : problems) {
                Log.warn(problem);
            }
            if (config.strict() && !problems.isEmpty()) {
                Log.warn("strict=true and the configuration has %d problem(s); the JVM stops (exit code %d)",
                        problems.size(), HookTransformer.EXIT_STRICT);
                Runtime.getRuntime().halt(HookTransformer.EXIT_STRICT);
            }
            List<String> hooks = dev.modelredirect.hooks.HookCatalog.selected(config.hooks(), config.offline());
            Map<String, List<String>> byTarget = dev.modelredirect.hooks.HookCatalog.byTarget(hooks);
            if (config.hookFile() != null) {
                UserHookFile.load(config, hooks, byTarget);
            }
            BridgeInstallation.install(config, new HashSet<>(hooks));
            HookTransformer transformer = new HookTransformer(byTarget, config.strict(), instrumentation);
            if (config.strict()) {
                checkStrictly(transformer);
            }
            StatusRegistration.prepare(config, hooks, transformer);
            instrumentation.addTransformer(transformer, true);
            List<String> shown = new ArrayList<>();
            for (String hook : hooks) {
                if (dev.modelredirect.hooks.HookCatalog.isShown(hook)) {
                    shown.add(hook);
                }
            }
            if (config.hookFile() == null) {
                shown.remove(dev.modelredirect.hooks.HookCatalog.USER);
            }
            if (config.log() != Log.Level.QUIET) {
                Log.warn("store=" + config.store() + " hooks=" + (shown.isEmpty() ? "none" : String.join(",", shown))
                        + " offline=" + config.offline());
            }
            if (attached) {
                retransformLoaded(instrumentation, transformer);
                StatusRegistration.registerInBackground(0);
            }
        } catch (Throwable ex) {
            Log.warn("the agent could not start (%s); the application runs without it", ex);
        }
    }

    /** With strict=true: checks the hooks against the target classes visible at start, before main. */
    private static void checkStrictly(HookTransformer transformer) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        for (String target : transformer.targets()) {
            try (InputStream in = system.getResourceAsStream(target + ".class")) {
                if (in == null) {
                    continue;
                }
                transformer.check(system, target, in.readAllBytes());
            } catch (java.io.IOException ex) {
                Log.debug("cannot read %s for the strict check: %s", target, ex.getMessage());
            }
        }
    }

    private static void retransformLoaded(Instrumentation instrumentation, HookTransformer transformer) {
        if (!instrumentation.isRetransformClassesSupported()) {
            Log.warn("this JVM cannot retransform classes; attach is not enough: start the JVM with "
                    + "-javaagent:model-redirect.jar instead");
            return;
        }
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (transformer.targets().contains(type.getName().replace('.', '/'))
                    && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        if (loaded.isEmpty()) {
            return;
        }
        try {
            instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
        } catch (Throwable ex) {
            Log.warn("the classes already loaded (%s) could not be changed (%s); start the JVM with "
                    + "-javaagent:model-redirect.jar instead", loaded, ex);
        }
    }
}
