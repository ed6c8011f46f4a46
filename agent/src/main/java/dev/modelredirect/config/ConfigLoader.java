package dev.modelredirect.config;

import dev.modelredirect.log.Log;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Reads the configuration keys from their three places, first found wins: explicit values (agent argument or
 * command-line options), system properties {@code model.redirect.KEY}, environment variables
 * {@code MODEL_REDIRECT_KEY}; then the Hugging Face and DJL variables the SPEC names as defaults.
 *
 * <p>Never throws for bad input: every unknown key or bad value becomes one line in {@link Config#problems()}, and the
 * default is used for it.
 */
public final class ConfigLoader {
    private final Map<String, String> explicit;
    private final String explicitOrigin;
    private final Properties properties;
    private final Map<String, String> env;
    private final Path workingDir;
    private final Path home;
    private final String osName;
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader(Map<String, String> explicit, String explicitOrigin, Properties properties,
            Map<String, String> env, Path workingDir, Path home, String osName) {
        this.explicit = explicit;
        this.explicitOrigin = explicitOrigin;
        this.properties = properties;
        this.env = env;
        this.workingDir = workingDir;
        this.home = home;
        this.osName = osName;
    }

    /**
     * Loads with this process's system properties, environment, working directory and home: {@code $HOME} when it is
     * an absolute path (as the Hub's Python clients expand {@code ~}), else the JVM's {@code user.home}.
     */
    public static Config load(Map<String, String> explicit, String explicitOrigin) {
        return load(explicit, explicitOrigin, System.getProperties(), System.getenv(),
                Path.of("").toAbsolutePath(), home(System.getenv("HOME")), System.getProperty("os.name"));
    }

    static Path home(String homeVariable) {
        if (homeVariable != null && !homeVariable.isBlank()) {
            try {
                Path path = Path.of(homeVariable);
                if (path.isAbsolute()) {
                    return path;
                }
            } catch (java.nio.file.InvalidPathException ignored) {
                // fall back to the JVM's idea of home
            }
        }
        return Path.of(System.getProperty("user.home"));
    }

    /** Loads from the given places; the form tests use. */
    public static Config load(Map<String, String> explicit, String explicitOrigin, Properties properties,
            Map<String, String> env, Path workingDir, Path home, String osName) {
        return new ConfigLoader(explicit, explicitOrigin, properties, env, workingDir, home, osName).build();
    }

    /**
     * Splits an agent argument {@code key=value,key=value}. A piece without {@code =} continues the previous value,
     * so {@code hooks=djl-cache,hf-tokenizer,offline=true} keeps the comma list of {@code hooks}.
     */
    public static Map<String, String> parseAgentArgs(String args, List<String> problems) {
        Map<String, String> values = new LinkedHashMap<>();
        if (args == null || args.isBlank()) {
            return values;
        }
        String lastKey = null;
        for (String piece : args.split(",")) {
            int eq = piece.indexOf('=');
            if (eq < 0) {
                if (lastKey == null) {
                    problems.add("agent argument '" + piece + "' is not key=value; write it as KEY=VALUE, keys: "
                            + Key.allNames());
                } else {
                    values.put(lastKey, values.get(lastKey) + "," + piece);
                }
                continue;
            }
            lastKey = piece.substring(0, eq).trim();
            values.put(lastKey, piece.substring(eq + 1).trim());
        }
        return values;
    }

    private Config build() {
        checkUnknownKeys();
        Path store = resolveStore();
        String endpoint = resolveEndpoint();
        String djlEndpoint = resolveDjlEndpoint();
        Optional<Secret> token = resolveToken();
        boolean offline = resolveOffline();
        Path lockfile = resolveLockfile(store);
        List<PathMapping> paths = resolvePaths();
        Set<String> hooks = resolveHooks();
        boolean engines = bool(Key.ENGINES, true);
        boolean strict = bool(Key.STRICT, false);
        Log.Level log = resolveLog();
        Found mirrors = find(Key.MIRRORS);
        List<UrlMirror> mirrorList = mirrors == null ? List.of()
                : UrlMirror.parse(mirrors.value(), mirrors.origin(), problems);
        Path hookFile = resolveFile(Key.HOOK_FILE);
        NetworkSettings network = resolveNetwork();
        return new Config(store, endpoint, djlEndpoint, token, offline, lockfile, paths, hooks, engines, strict, log,
                network, List.copyOf(problems), mirrorList, hookFile);
    }

    /** The raw value and where it came from, or null. */
    private Found find(Key key) {
        for (Map.Entry<String, String> entry : explicit.entrySet()) {
            if (key == Key.byName(entry.getKey())) {
                return new Found(entry.getValue(), explicitOrigin + " " + key.keyName());
            }
        }
        String property = properties.getProperty(key.propertyName());
        if (property != null) {
            return new Found(property, "system property " + key.propertyName());
        }
        String variable = env.get(key.envName());
        if (variable != null) {
            return new Found(variable, "environment variable " + key.envName());
        }
        return null;
    }

    private record Found(String value, String origin) {
    }

    private void checkUnknownKeys() {
        for (String name : explicit.keySet()) {
            if (Key.byName(name) == null) {
                problems.add("unknown key '" + name + "' in " + explicitOrigin + "; known keys: " + Key.allNames()
                        + "; it is ignored");
            }
        }
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("model.redirect.") && Key.byName(name.substring("model.redirect.".length())) == null) {
                problems.add("unknown system property '" + name + "'; known keys: " + Key.allNames()
                        + "; it is ignored");
            }
        }
        for (String name : env.keySet()) {
            if (name.startsWith("MODEL_REDIRECT_")
                    && Key.byName(name.substring("MODEL_REDIRECT_".length())) == null) {
                problems.add("unknown environment variable '" + name + "'; known keys: " + Key.allNames()
                        + "; it is ignored");
            }
        }
    }

    private void bad(Found found, Key key, String expected, String fallback) {
        problems.add("bad value '" + found.value() + "' for key " + key.keyName() + " (" + found.origin()
                + "): expected " + expected + "; using " + fallback);
    }

    private Path defaultStore() {
        return workingDir.resolve("models").normalize();
    }

    private Path resolveStore() {
        Found found = find(Key.STORE);
        if (found == null || found.value().isBlank()) {
            return defaultStore();
        }
        if (found.value().trim().equals("shared")) {
            return sharedStore();
        }
        Path path = toPath(found.value());
        if (path == null) {
            bad(found, Key.STORE, "a directory path or the word 'shared'", defaultStore().toString());
            return defaultStore();
        }
        return path;
    }

    /** The platform's per-user data directory for the {@code shared} store. */
    Path sharedStore() {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            Path base = local != null && !local.isBlank() ? Path.of(local) : home.resolve("AppData").resolve("Local");
            return base.resolve("model-redirect");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("model-redirect");
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg).resolve("model-redirect");
        }
        return home.resolve(".local").resolve("share").resolve("model-redirect");
    }

    /** Expands {@code ~}, resolves against the working directory; null when not a path. */
    private Path toPath(String text) {
        try {
            String trimmed = text.trim();
            if (trimmed.isEmpty() || trimmed.indexOf('\0') >= 0) {
                return null;
            }
            Path path;
            if (trimmed.equals("~")) {
                path = home;
            } else if (trimmed.startsWith("~/")) {
                path = home.resolve(trimmed.substring(2));
            } else {
                path = Path.of(trimmed);
            }
            return workingDir.resolve(path).normalize();
        } catch (InvalidPathException ex) {
            return null;
        }
    }

    private String resolveEndpoint() {
        Found found = find(Key.ENDPOINT);
        if (found == null) {
            String hf = env.get("HF_ENDPOINT");
            if (hf != null && !hf.isBlank()) {
                found = new Found(hf, "environment variable HF_ENDPOINT");
            }
        }
        if (found == null) {
            return Config.DEFAULT_ENDPOINT;
        }
        String value = found.value().trim();
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        if (isHttpBase(value)) {
            return value;
        }
        bad(found, Key.ENDPOINT, "an http:// or https:// base URL without query or credentials",
                Config.DEFAULT_ENDPOINT);
        return Config.DEFAULT_ENDPOINT;
    }

    /** Whether {@code value} is an http(s) base URL with a host and without query, fragment or credentials. */
    private static boolean isHttpBase(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        } catch (URISyntaxException ex) {
            return false;
        }
    }

    /** {@code djl-endpoint}: the key, else {@code $DJL_REPO_URL}, else DJL's repository; kept with a trailing slash. */
    private String resolveDjlEndpoint() {
        Found found = find(Key.DJL_ENDPOINT);
        if (found == null) {
            String djl = env.get("DJL_REPO_URL");
            if (djl != null && !djl.isBlank()) {
                found = new Found(djl, "environment variable DJL_REPO_URL");
            }
        }
        if (found == null) {
            return Config.DEFAULT_DJL_ENDPOINT;
        }
        String value = found.value().trim();
        if (isHttpBase(value)) {
            return value.endsWith("/") ? value : value + "/";
        }
        bad(found, Key.DJL_ENDPOINT, "an http:// or https:// base URL without query or credentials",
                Config.DEFAULT_DJL_ENDPOINT);
        return Config.DEFAULT_DJL_ENDPOINT;
    }

    private Optional<Secret> resolveToken() {
        Found found = find(Key.TOKEN);
        if (found != null && !found.value().isBlank()) {
            return Optional.of(new Secret(found.value().trim(), found.origin()));
        }
        for (String variable : new String[] {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return Optional.of(new Secret(value.trim(), "environment variable " + variable));
            }
        }
        String hfHome = env.get("HF_HOME");
        Path hfHomeDir = hfHome != null && !hfHome.isBlank() ? Path.of(hfHome)
                : home.resolve(".cache").resolve("huggingface");
        Path tokenFile = hfHomeDir.resolve("token");
        try {
            if (Files.isRegularFile(tokenFile)) {
                String value = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
                if (!value.isEmpty()) {
                    return Optional.of(new Secret(value, "file " + tokenFile));
                }
            }
        } catch (IOException | SecurityException ex) {
            problems.add("cannot read the token file " + tokenFile + " (" + ex.getMessage()
                    + "); fix its permissions or give the token key");
        }
        return Optional.empty();
    }

    private boolean resolveOffline() {
        Found found = find(Key.OFFLINE);
        if (found != null) {
            return bool(Key.OFFLINE, defaultOffline());
        }
        return defaultOffline();
    }

    private boolean defaultOffline() {
        return truthy(env.get("HF_HUB_OFFLINE")) || truthy(env.get("DJL_OFFLINE"));
    }

    private static boolean truthy(String value) {
        return value != null && (value.trim().equals("1") || value.trim().equalsIgnoreCase("true"));
    }

    private boolean bool(Key key, boolean fallback) {
        Found found = find(key);
        if (found == null) {
            return fallback;
        }
        String value = found.value().trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "true": case "1": case "yes": case "on":
                return true;
            case "false": case "0": case "no": case "off":
                return false;
            default:
                bad(found, key, "true or false", String.valueOf(fallback));
                return fallback;
        }
    }

    private Path resolveLockfile(Path store) {
        Path fallback = store.resolve("models.lock");
        Found found = find(Key.LOCKFILE);
        if (found == null || found.value().isBlank()) {
            return fallback;
        }
        Path path = toPath(found.value());
        if (path == null) {
            bad(found, Key.LOCKFILE, "a file path", fallback.toString());
            return fallback;
        }
        return path;
    }

    /** A file path key: null when not given; a bad path is reported and ignored. */
    private Path resolveFile(Key key) {
        Found found = find(key);
        if (found == null || found.value().isBlank()) {
            return null;
        }
        Path path = toPath(found.value());
        if (path == null) {
            bad(found, key, "a file path", "none");
        }
        return path;
    }

    private List<PathMapping> resolvePaths() {
        Found found = find(Key.PATHS);
        if (found == null || found.value().isBlank()) {
            return List.of();
        }
        List<PathMapping> mappings = new ArrayList<>();
        for (String entry : found.value().split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int arrow = entry.indexOf("=>");
            Path from = arrow > 0 ? toPath(entry.substring(0, arrow)) : null;
            String toText = arrow > 0 ? entry.substring(arrow + 2).trim() : "";
            Path to = null;
            try {
                to = toText.isEmpty() ? null : Path.of(toText).normalize();
            } catch (InvalidPathException ignored) {
                // reported below
            }
            if (from == null || to == null || to.isAbsolute() || to.startsWith("..")) {
                problems.add("bad entry '" + entry + "' for key paths (" + found.origin()
                        + "): expected FROM=>TO with TO relative to the store and inside it; the entry is ignored");
                continue;
            }
            mappings.add(new PathMapping(from, to));
        }
        return List.copyOf(mappings);
    }

    /** Hook names the agent knows; checked here so a typo is reported with the list. */
    public static final Set<String> KNOWN_HOOKS = Set.of("djl-repository", "djl-cache", "hf-tokenizer",
            "djl-zoo", "paths", "spring-ai", "user");

    private Set<String> resolveHooks() {
        Found found = find(Key.HOOKS);
        if (found == null || found.value().isBlank() || found.value().trim().equals("all")) {
            return null;
        }
        if (found.value().trim().equals("none")) {
            return Set.of();
        }
        Set<String> hooks = new LinkedHashSet<>();
        for (String name : found.value().split(",")) {
            String hook = name.trim();
            if (hook.isEmpty()) {
                continue;
            }
            if (!KNOWN_HOOKS.contains(hook)) {
                problems.add("unknown hook '" + hook + "' in key hooks (" + found.origin() + "): known hooks are "
                        + String.join(", ", new java.util.TreeSet<>(KNOWN_HOOKS)) + ", or all, or none; it is ignored");
                continue;
            }
            hooks.add(hook);
        }
        if (hooks.isEmpty()) {
            problems.add("key hooks (" + found.origin() + ") names no known hook; using all");
            return null;
        }
        return Collections.unmodifiableSet(hooks);
    }

    private Log.Level resolveLog() {
        Found found = find(Key.LOG);
        if (found == null) {
            return Log.Level.INFO;
        }
        Log.Level level = Log.Level.parse(found.value());
        if (level == null) {
            bad(found, Key.LOG, "quiet, info or debug", "info");
            return Log.Level.INFO;
        }
        return level;
    }

    private NetworkSettings resolveNetwork() {
        int connections = NetworkSettings.DEFAULT_CONNECTIONS;
        Found found = find(Key.CONNECTIONS);
        if (found != null) {
            try {
                connections = Integer.parseInt(found.value().trim());
            } catch (NumberFormatException ex) {
                connections = -1;
            }
            if (connections < 1 || connections > NetworkSettings.MAX_CONNECTIONS) {
                bad(found, Key.CONNECTIONS, "a whole number from 1 to " + NetworkSettings.MAX_CONNECTIONS,
                        String.valueOf(NetworkSettings.DEFAULT_CONNECTIONS));
                connections = NetworkSettings.DEFAULT_CONNECTIONS;
            }
        }
        Found ca = find(Key.CA_FILE);
        for (String variable : new String[] {"SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"}) {
            String value = env.get(variable);
            if (ca == null && value != null && !value.isBlank()) {
                ca = new Found(value, "environment variable " + variable);
            }
        }
        Optional<Path> caFile = Optional.empty();
        String caOrigin = "";
        if (ca != null && !ca.value().isBlank()) {
            Path path = toPath(ca.value());
            if (path == null || !Files.isRegularFile(path)) {
                problems.add("the certificate bundle '" + ca.value() + "' (" + ca.origin() + ") is not a readable "
                        + "file; give a PEM file of CA certificates for key ca-file; only the JDK's trust is used");
            } else {
                caFile = Optional.of(path);
                caOrigin = ca.origin();
            }
        }
        return new NetworkSettings(connections, caFile, caOrigin, NetworkSettings.proxyVariablesOf(env));
    }
}
