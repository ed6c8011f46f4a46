package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.config.ConfigLoader;
import dev.modelredirect.log.Log;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options every store command shares: the SPEC's keys as {@code --store}, {@code --endpoint}, {@code --lockfile},
 * {@code --offline}, {@code --log}, {@code --ca-file}, {@code --connections}, {@code --mirrors}, overriding system properties and the environment; and {@code --json}, {@code --help}.
 */
final class StoreOptions {
    static final Set<String> VALUED = Set.of("store", "endpoint", "djl-endpoint", "lockfile", "log", "ca-file",
            "connections", "mirrors");
    static final Set<String> FLAGS = Set.of("offline", "json", "help");

    static final String HELP = String.join("\n",
            "Store options (each overrides -Dmodel.redirect.KEY and MODEL_REDIRECT_KEY):",
            "  --store DIR        the store root; 'shared' for the per-user store (default: ./models)",
            "  --endpoint URL     Hub or mirror base URL (default: $HF_ENDPOINT or https://huggingface.co)",
            "  --djl-endpoint URL DJL model repository or mirror, for djl:// (default: $DJL_REPO_URL or https://mlrepo.djl.ai/)",
            "  --lockfile FILE    the lock file (default: <store>/models.lock)",
            "  --ca-file PEM      certificate authorities trusted besides the JDK's (default: $SSL_CERT_FILE, $REQUESTS_CA_BUNDLE)",
            "  --connections N    parallel connections for one large file, 1 to 16 (default: 4)",
            "  --mirrors MAP      URL prefixes fetched from elsewhere, FROM=>TO;... (sources keep their own URL)",
            "  --offline          never open a connection",
            "  --log LEVEL        quiet, info or debug",
            "  --json             print data as JSON on stdout",
            "  --help             this text",
            "The token comes from the key token (MODEL_REDIRECT_TOKEN), HF_TOKEN or $HF_HOME/token; it is never printed.");

    private StoreOptions() {
    }

    /** The configuration with the command line's options on top; problems printed, as the agent prints them. */
    static Config load(Arguments args, PrintStream err) {
        Map<String, String> explicit = new LinkedHashMap<>();
        for (String key : VALUED) {
            if (args.option(key) != null) {
                explicit.put(key, args.option(key));
            }
        }
        if (args.flag("offline")) {
            explicit.put("offline", "true");
        }
        Config config = ConfigLoader.load(explicit, "option --");
        Log.setLevel(config.log());
        for (String problem : config.problems()) {
            err.println("model-redirect: " + problem);
        }
        return config;
    }

    static Set<String> valued(String... more) {
        java.util.Set<String> all = new java.util.HashSet<>(VALUED);
        all.addAll(java.util.List.of(more));
        return all;
    }

    static Set<String> flags(String... more) {
        java.util.Set<String> all = new java.util.HashSet<>(FLAGS);
        all.addAll(java.util.List.of(more));
        return all;
    }
}
