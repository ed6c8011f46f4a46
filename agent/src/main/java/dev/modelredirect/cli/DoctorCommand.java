package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.config.Secret;
import dev.modelredirect.fetch.AuthPolicy;
import dev.modelredirect.fetch.Http;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.fetch.RetryPolicy;
import dev.modelredirect.hooks.HookFit;
import dev.modelredirect.hub.HubClient;
import dev.modelredirect.hub.HubException;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.json.Json;
import dev.modelredirect.log.Sizes;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Pin;
import dev.modelredirect.store.PinCheck;
import dev.modelredirect.store.StoreException;
import dev.modelredirect.store.StoreInventory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.Request;
import okhttp3.Response;

/**
 * {@code doctor [--classpath CP]}: one line per health check ({@code PASS}, {@code WARN}, {@code FAIL}, or
 * {@code SKIP} when it does not apply): the Java runtime, the store writable, free space against the pinned models,
 * the lock file against the store, the endpoint reachable, the token, and with {@code --classpath} which hooks would
 * apply to an application's jars. Exit code 1 when a check fails. The token is never printed.
 */
final class DoctorCommand extends StoreCommand {
    /** Connect and read timeout of the endpoint and token checks. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Pinned repositories asked about access, at most. */
    private static final int MAX_REPOS_ASKED = 10;

    /** The outcome of one check. */
    enum Status { PASS, WARN, FAIL, SKIP }

    /** One line of the report. */
    record Check(String name, Status status, String message) {
    }

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "check the store, space, lock file, endpoint, token, Java, and hooks for a class path";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar doctor [--classpath CP] [options]",
                "",
                "Checks what the agent and `pull` need, one line each: PASS, WARN, FAIL (or SKIP when it does not",
                "apply), then exits 1 if any check failed:",
                "  java       this Java runtime, and its modules the agent uses (java.instrument, java.management,",
                "             jdk.attach)",
                "  store      the store folder is writable (a read-only store serves hits only)",
                "  space      free space against the pinned files still missing and the largest pinned model",
                "  lock file  every pinned file is in the store with its recorded size (`verify` checks hashes)",
                "  endpoint   the Hub endpoint answers (a " + TIMEOUT.toSeconds() + " s timeout); with --offline no "
                        + "connection is opened",
                "  token      where the token comes from (never the token), and whether the pinned repositories",
                "             that need one accept it",
                "  HOOK       with --classpath: per hook, whether it applies to those jars (PASS, with the jar and",
                "             version), its library is absent (WARN), or present but the method it hooks does not",
                "             fit (FAIL: the agent would warn and leave that library unpatched)",
                "",
                "  --classpath CP     the application's class path (jars and folders, separated by '"
                        + java.io.File.pathSeparator + "'; DIR/* for",
                "                     every jar in DIR)",
                "",
                StoreOptions.HELP);
    }

    @Override
    Set<String> valuedOptions() {
        return Set.of("classpath");
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (!args.positional().isEmpty()) {
            throw new UsageException("'doctor' takes no SOURCE, got '" + args.positional().get(0) + "'");
        }
        List<Path> classpath = null;
        if (args.option("classpath") != null) {
            try {
                classpath = HookFit.parseClassPath(args.option("classpath"));
            } catch (IOException ex) {
                throw new UsageException("--classpath '" + args.option("classpath") + "' names a folder that cannot "
                        + "be read (" + ex.getMessage() + ")");
            }
        }
        Config config = StoreOptions.load(args, err);
        List<Check> checks = new ArrayList<>();
        try (ModelStore store = ModelStore.open(config, ProgressListener.NONE)) {
            checks.add(java());
            checks.add(store(store.root()));
            List<PinCheck.Entry> pinned = null;
            Map<String, Pin> pins = Map.of();
            try {
                pins = store.lockFile().all();
                pinned = PinCheck.check(store);
            } catch (StoreException ex) {
                checks.add(new Check("lock file", Status.FAIL, ex.getMessage()));
            }
            if (pinned != null) {
                checks.add(space(store.root(), pinned));
                checks.add(lockFile(store, pinned));
            }
            checks.addAll(network(config, pins, pinned == null ? List.of() : pinned));
            checks.addAll(hooks(classpath));
        }
        boolean failed = checks.stream().anyMatch(c -> c.status() == Status.FAIL);
        if (args.flag("json")) {
            List<Object> list = new ArrayList<>();
            for (Check check : checks) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("check", check.name());
                item.put("status", check.status().name());
                item.put("message", check.message());
                list.add(item);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ok", !failed);
            result.put("checks", list);
            out.print(Json.write(result));
        } else {
            int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(8);
            for (Check check : checks) {
                out.println(String.format(Locale.ROOT, "%s %-" + width + "s  %s", check.status(), check.name(),
                        check.message()));
            }
        }
        return failed ? 1 : 0;
    }

    // ---------------------------------------------------------------- java

    static Check java() {
        Runtime.Version version = Runtime.version();
        String vendor = System.getProperty("java.vendor", "?");
        String home = System.getProperty("java.home", "?");
        List<String> missing = new ArrayList<>();
        for (String module : List.of("java.instrument", "java.management", "jdk.attach")) {
            if (ModuleLayer.boot().findModule(module).isEmpty()) {
                missing.add(module);
            }
        }
        String what = "Java " + version + " (" + vendor + ") at " + home;
        if (missing.contains("java.instrument")) {
            return new Check("java", Status.FAIL, what + " has no java.instrument module, so -javaagent cannot run; "
                    + "use a full JDK or JRE, or add the module with jlink --add-modules java.instrument");
        }
        if (!missing.isEmpty()) {
            return new Check("java", Status.WARN, what + " lacks " + String.join(", ", missing)
                    + " (live status over JMX, attaching to a running JVM); the agent itself works");
        }
        return new Check("java", Status.PASS, what);
    }

    // ---------------------------------------------------------------- store and space

    static Check store(Path root) {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            return new Check("store", Status.FAIL, root + " is a file, not a folder; point the store key at a folder");
        }
        Path existing = firstExisting(root);
        if (existing == null) {
            return new Check("store", Status.FAIL, root + " cannot be created: no folder above it exists");
        }
        String free = free(existing);
        if (!existing.equals(root)) {
            if (canWrite(existing)) {
                return new Check("store", Status.PASS, root + " does not exist yet; it is made on the first download ("
                        + existing + " is writable" + free + ")");
            }
            return new Check("store", Status.FAIL, root + " does not exist and cannot be made: " + existing
                    + " is not writable. Point the store key at a writable folder");
        }
        if (canWrite(root)) {
            return new Check("store", Status.PASS, root + " writable" + free);
        }
        return new Check("store", Status.WARN, root + " is read-only: hits are served, a miss fails and nothing is "
                + "written. Pre-fill it with `pull` where it is writable, or point the store key at a writable folder");
    }

    /**
     * Whether a file can really be made there (root is not stopped by permissions, so a probe file is made and deleted);
     * never tried where the file system already says it is read-only.
     */
    private static boolean canWrite(Path dir) {
        if (!Files.isWritable(dir)) {
            return false; // a read-only mount says so without a write attempt
        }
        try {
            Path probe = Files.createTempFile(dir, ".doctor-", ".tmp");
            Files.delete(probe);
            return true;
        } catch (IOException | SecurityException ex) {
            return false;
        }
    }

    private static Path firstExisting(Path path) {
        Path dir = path;
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        return dir;
    }

    private static String free(Path dir) {
        try {
            return " (" + Sizes.human(Files.getFileStore(dir).getUsableSpace()) + " free)";
        } catch (IOException ex) {
            return "";
        }
    }

    static Check space(Path root, List<PinCheck.Entry> pinned) {
        Path existing = firstExisting(root);
        long usable;
        try {
            usable = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException | NullPointerException ex) {
            return new Check("space", Status.WARN, "cannot read the free space of " + root);
        }
        Map<String, Long> bySource = new LinkedHashMap<>();
        long missing = 0;
        Set<Path> counted = new LinkedHashSet<>();
        for (PinCheck.Entry entry : pinned) {
            bySource.merge(entry.source(), Math.max(0, entry.file().size()), Long::sum);
            if (entry.state() != PinCheck.State.PRESENT && counted.add(entry.path())) {
                missing += Math.max(0, entry.file().size());
            }
        }
        if (bySource.isEmpty()) {
            return new Check("space", Status.PASS, Sizes.human(usable) + " free; nothing is pinned yet");
        }
        Map.Entry<String, Long> largest = bySource.entrySet().stream().max(Map.Entry.comparingByValue()).get();
        String facts = Sizes.human(usable) + " free; largest pinned model " + largest.getKey() + " is "
                + Sizes.human(largest.getValue()) + ", still to download " + Sizes.human(missing);
        if (usable < missing) {
            return new Check("space", Status.FAIL, facts + ": not enough for `pull`. Free space, or point the store "
                    + "key at a larger disk");
        }
        if (usable < largest.getValue()) {
            return new Check("space", Status.WARN, facts + ": the largest model would not fit again (for an update)");
        }
        return new Check("space", Status.PASS, facts);
    }

    // ---------------------------------------------------------------- lock file

    static Check lockFile(ModelStore store, List<PinCheck.Entry> pinned) {
        Path path = store.lockFile().path();
        if (!Files.exists(path)) {
            return new Check("lock file", Status.PASS, path + " does not exist yet; sources are pinned on first "
                    + "download");
        }
        Set<String> sources = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (PinCheck.Entry entry : pinned) {
            sources.add(entry.source());
            String name = entry.source() + " " + entry.file().path();
            if (entry.state() == PinCheck.State.MISSING) {
                missing.add(name);
            } else if (entry.state() == PinCheck.State.WRONG_SIZE) {
                wrong.add(name + " (" + sizeOf(entry.path()) + " bytes, pinned " + entry.file().size() + ")");
            }
        }
        String counts = path + ": " + sources.size() + " source(s), " + pinned.size() + " file(s)";
        if (!wrong.isEmpty()) {
            return new Check("lock file", Status.FAIL, counts + "; " + wrong.size() + " with another size than pinned: "
                    + firstFew(wrong) + ". Run `java -jar model-redirect.jar verify --repair`, then `pull`");
        }
        if (!missing.isEmpty()) {
            return new Check("lock file", Status.WARN, counts + "; " + missing.size() + " not in the store: "
                    + firstFew(missing) + ". Run `java -jar model-redirect.jar pull` to fetch them");
        }
        return new Check("lock file", Status.PASS, counts + ", all in the store with their pinned sizes");
    }

    private static long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException ex) {
            return -1;
        }
    }

    private static String firstFew(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
    }

    // ---------------------------------------------------------------- endpoint and token

    private static List<Check> network(Config config, Map<String, Pin> pins, List<PinCheck.Entry> pinned) {
        Optional<Secret> token = config.token();
        String origin = token.map(t -> "present (from " + t.origin() + "; not shown)").orElse("none");
        if (config.offline()) {
            return List.of(
                    new Check("endpoint", Status.SKIP, config.endpoint() + " not checked: offline=true, so no "
                            + "connection was opened"),
                    new Check("token", token.isPresent() ? Status.PASS : Status.SKIP, origin
                            + (token.isPresent() ? "" : "; offline, so not needed")));
        }
        List<Check> checks = new ArrayList<>();
        RetryPolicy once = new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1));
        try (Http http = new Http(new AuthPolicy(config.endpoint(), token), once, TIMEOUT, TIMEOUT,
                config.network())) {
            Check endpoint = endpoint(http, config.endpoint());
            checks.add(endpoint);
            if (endpoint.status() == Status.FAIL) {
                checks.add(new Check("token", token.isPresent() ? Status.PASS : Status.SKIP, origin
                        + "; access not checked, the endpoint is not reachable"));
                return checks;
            }
            checks.add(token(http, config.endpoint(), origin, token.isPresent(), pins, pinned));
        } catch (IllegalArgumentException ex) {
            checks.add(new Check("endpoint", Status.FAIL, "'" + config.endpoint() + "' is not a usable URL ("
                    + ex.getMessage() + "); fix the endpoint key"));
        }
        return checks;
    }

    /** A GET of the Hub's model list (one entry): any HTTP answer means the endpoint is reachable. */
    private static Check endpoint(Http http, String endpoint) {
        long start = System.nanoTime();
        okhttp3.HttpUrl url = okhttp3.HttpUrl.get(endpoint).newBuilder().addPathSegments("api/models")
                .addQueryParameter("limit", "1").build();
        Request request = http.request(url).get().build();
        try (Response response = http.execute(request, Http.Redirects.NONE)) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            String facts = endpoint + " answers (HTTP " + response.code() + " in " + millis + " ms)";
            return response.code() >= 500
                    ? new Check("endpoint", Status.WARN, facts + ": the server has a problem; retry later")
                    : new Check("endpoint", Status.PASS, facts);
        } catch (IOException ex) {
            return new Check("endpoint", Status.FAIL, "cannot reach " + endpoint + " (" + ex.getMessage() + "); check "
                    + "the network, a proxy, or the endpoint key, or work with --offline from a filled store");
        }
    }

    /**
     * Asks for the first pinned file of each pinned repository (a HEAD, as a download starts; with the token when
     * there is one): a refusal means a token is needed, or the one given lacks access (a gated repository whose
     * conditions were not accepted). A FAIL only when files of that repository are still missing.
     */
    private static Check token(Http http, String endpoint, String origin, boolean present, Map<String, Pin> pins,
            List<PinCheck.Entry> pinned) {
        HubClient client = new HubClient(http, endpoint, present, dev.modelredirect.files.SafePaths::isSafe);
        Set<String> incomplete = new LinkedHashSet<>();
        for (PinCheck.Entry entry : pinned) {
            if (entry.state() != PinCheck.State.PRESENT) {
                incomplete.add(entry.source());
            }
        }
        Set<String> asked = new LinkedHashSet<>();
        for (Map.Entry<String, Pin> entry : pins.entrySet()) {
            if (!(entry.getValue() instanceof Pin.Hub hub) || asked.size() >= MAX_REPOS_ASKED
                    || !asked.add(hub.type() + "/" + hub.repo())) {
                continue;
            }
            try {
                RepoId repo = StoreInventory.repoOf(hub);
                if (repo == null) {
                    continue;
                }
                if (hub.files().isEmpty()) {
                    client.commitOf(repo, hub.commit());
                } else {
                    client.head(repo, hub.commit(), hub.files().get(0).path());
                }
            } catch (HubException ex) {
                if (ex.kind() == HubException.Kind.GATED || ex.kind() == HubException.Kind.UNAUTHORIZED
                        || ex.kind() == HubException.Kind.FORBIDDEN) {
                    Status status = incomplete.contains(entry.getKey()) ? Status.FAIL : Status.WARN;
                    String need = present ? "the token is refused for " + hub.repo() + "; check that it has access "
                            + "to it (accept the repository's conditions on the Hub)"
                            : hub.repo() + " needs a token; set HF_TOKEN, the key token, or log in so that "
                                    + "$HF_HOME/token exists";
                    return new Check("token", status, origin + "; " + need
                            + (status == Status.WARN ? " (its files are in the store: only `pull --update` needs it)"
                                    : ""));
                }
            } catch (IOException | RuntimeException ex) {
                // reachability is the endpoint check's business
            }
        }
        if (asked.isEmpty()) {
            return new Check("token", Status.PASS, origin + "; no pinned Hub repository to check access to");
        }
        return new Check("token", Status.PASS, origin + "; the " + asked.size() + " pinned Hub repositor"
                + (asked.size() == 1 ? "y is" : "ies are") + " accessible");
    }

    // ---------------------------------------------------------------- hooks

    private static List<Check> hooks(List<Path> classpath) {
        if (classpath == null) {
            return List.of(new Check("hooks", Status.SKIP, "give --classpath CP (the application's jars) to check "
                    + "which hooks apply to them"));
        }
        List<HookFit.Finding> findings;
        try {
            findings = HookFit.check(classpath);
        } catch (IOException ex) {
            return List.of(new Check("hooks", Status.FAIL, "cannot read the class path: " + ex.getMessage()));
        }
        List<Check> checks = new ArrayList<>();
        for (HookFit.Finding finding : findings) {
            String where = finding.entry() == null ? "" : finding.entry().getFileName()
                    + (finding.version() == null ? "" : " (version " + finding.version() + ")");
            switch (finding.fit()) {
                case APPLIES -> checks.add(new Check(finding.hook(), Status.PASS, "applies: " + finding.target()
                        + " in " + where));
                case ABSENT -> checks.add(new Check(finding.hook(), Status.WARN, finding.target() + " is not on the "
                        + "class path: nothing to hook (fine if the application does not use that library)"));
                default -> checks.add(new Check(finding.hook(), Status.FAIL, "does not fit " + where + ": "
                        + finding.problem() + "; the agent would warn and leave it unpatched. Use a supported version "
                        + "of the library"));
            }
        }
        return checks;
    }
}
