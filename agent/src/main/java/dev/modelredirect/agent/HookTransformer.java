package dev.modelredirect.agent;

import dev.modelredirect.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches class loading by name only (a map look-up per class) and hands the few target classes to the hooks'
 * instrumenter, which loads Byte Buddy on first use. A hook that does not fit is reported once and skipped, or, with
 * {@code strict}, stops the JVM with exit code 78. Never throws into the JVM: any failure leaves the class unchanged.
 */
final class HookTransformer implements ClassFileTransformer {
    /** Exit code of a strict run whose hooks do not fit. */
    static final int EXIT_STRICT = 78;

    private final Map<String, List<String>> hooksByClass;
    private final boolean strict;
    private final java.lang.instrument.Instrumentation instrumentation;
    private volatile InstrumentedClassCache cache;
    private volatile boolean cacheOpened;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final Set<String> installed = ConcurrentHashMap.newKeySet();

    HookTransformer(Map<String, List<String>> hooksByClass, boolean strict,
            java.lang.instrument.Instrumentation instrumentation) {
        this.hooksByClass = hooksByClass;
        this.strict = strict;
        this.instrumentation = instrumentation;
    }

    /** The cache of instrumented classes, opened when the first target class appears (not at start-up). */
    private InstrumentedClassCache cache() {
        if (!cacheOpened) {
            synchronized (this) {
                if (!cacheOpened) {
                    cache = InstrumentedClassCache.open(dev.modelredirect.hooks.HookCatalog.ADVICE_RESOURCES);
                    cacheOpened = true;
                }
            }
        }
        return cache;
    }

    Set<String> targets() {
        return hooksByClass.keySet();
    }

    /** Hooks installed so far, on any class loader. */
    Set<String> installed() {
        return installed;
    }

    /** True while the strict start-up check runs: it must look at the classes, not at the cache. */
    private volatile boolean strictCheck;

    /** Checks the hooks against a class's bytes now, reporting misfits (and halting when strict). */
    void check(ClassLoader loader, String className, byte[] bytes) {
        strictCheck = true;
        try {
            transform(loader, className, null, null, bytes);
        } finally {
            strictCheck = false;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
        if (className == null) {
            return null;
        }
        List<String> hooks = hooksByClass.get(className);
        if (hooks == null) {
            return null;
        }
        try {
            if (loader != null) {
                BootstrapBridge.ensureVisible(instrumentation, loader);
            }
            InstrumentedClassCache cache = cache();
            List<String> key = hooks.contains(dev.modelredirect.hooks.HookCatalog.USER)
                    ? UserHookFile.cacheKey(className, hooks) : hooks;
            byte[] cached = cache == null || strictCheck ? null : cache.get(className, bytes, key);
            if (cached != null) {
                installed.addAll(hooks);
                return cached;
            }
            dev.modelredirect.hooks.Instrumenter.Result result =
                    dev.modelredirect.hooks.Instrumenter.instrument(loader, className, bytes, hooks);
            installed.addAll(result.installed());
            for (String misfit : result.misfits()) {
                misfit(misfit);
            }
            if (cache != null && result.bytes() != null && result.misfits().isEmpty()) {
                cache.put(className, bytes, key, result.bytes());
            }
            return result.bytes();
        } catch (Throwable ex) {
            misfit(String.join(", ", hooks) + ": instrumenting " + className.replace('/', '.') + " failed (" + ex
                    + ")");
            return null;
        }
    }

    private void misfit(String problem) {
        String hook = problem.substring(0, Math.max(0, problem.indexOf(':')));
        if (!reported.add(problem)) {
            return;
        }
        if (strict) {
            Log.warn("hook %s does not fit the library present (%s); strict=true, so the JVM stops (exit code %d)",
                    hook, problem.substring(problem.indexOf(':') + 2), EXIT_STRICT);
            Runtime.getRuntime().halt(EXIT_STRICT);
        }
        Log.warn("hook %s does not fit the library present (%s); the application runs without it", hook,
                problem.substring(problem.indexOf(':') + 2));
    }
}
