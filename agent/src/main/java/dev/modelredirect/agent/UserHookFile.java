package dev.modelredirect.agent;

import dev.modelredirect.config.Config;
import dev.modelredirect.hookfile.DeclaredHooks;
import dev.modelredirect.hooks.HookCatalog;
import dev.modelredirect.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Start-up of the {@code user} hook: reads the {@code hook-file}, reports each malformed line (and with
 * {@code strict=true} stops the JVM with exit code 78), and adds the classes it names to the transformer's targets.
 */
final class UserHookFile {
    private UserHookFile() {
    }

    static void load(Config config, List<String> hooks, Map<String, List<String>> byTarget) {
        if (!hooks.contains(HookCatalog.USER)) {
            Log.warn("hook-file %s is not read: key hooks does not name the hook user; add it to hooks to use the "
                    + "file", config.hookFile());
            return;
        }
        List<String> problems = DeclaredHooks.load(config.hookFile());
        for (String problem : problems) {
            Log.warn("error: %s", problem);
        }
        if (config.strict() && !problems.isEmpty()) {
            Log.warn("strict=true and the hook file has %d problem(s); the JVM stops (exit code %d)",
                    problems.size(), HookTransformer.EXIT_STRICT);
            Runtime.getRuntime().halt(HookTransformer.EXIT_STRICT);
        }
        HookCatalog.addUserTargets(byTarget, hooks, DeclaredHooks.classes());
    }

    /** The hooks of a class as the cache of instrumented classes keys them: {@code user} with its lines' fingerprint. */
    static List<String> cacheKey(String internalName, List<String> hooks) {
        List<String> key = new ArrayList<>();
        for (String hook : hooks) {
            key.add(hook.equals(HookCatalog.USER) ? hook + "." + DeclaredHooks.fingerprint(internalName) : hook);
        }
        return key;
    }
}
