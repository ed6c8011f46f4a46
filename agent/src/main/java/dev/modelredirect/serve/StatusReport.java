package dev.modelredirect.serve;

import dev.modelredirect.store.Pin;
import dev.modelredirect.store.StoreException;
import dev.modelredirect.store.StoreInventory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the status page shows, as plain data (the page's JSON form): every repository of {@code <store>/hub} with its
 * revisions (ref to commit), snapshots, bytes, the lock file's pins naming it and its hits and misses since the
 * server started; totals; and how a client machine uses this server. Read from disk on each call; never writes.
 */
final class StatusReport {
    private final StoreInventory inventory;
    private final Traffic traffic;
    private final boolean tokens;
    private final boolean pullThrough;

    /**
     * @param tokens      whether requests need a bearer token (the client commands then say where it goes)
     * @param pullThrough whether misses are fetched from upstream
     */
    StatusReport(StoreInventory inventory, Traffic traffic, boolean tokens, boolean pullThrough) {
        this.inventory = inventory;
        this.traffic = traffic;
        this.tokens = tokens;
        this.pullThrough = pullThrough;
    }

    /** The report for a client that reached this server at {@code url} ({@code http[s]://HOST:PORT}). */
    Map<String, Object> build(String url, long requests) throws IOException {
        Map<String, List<String>> pins = pinsByRepo();
        List<Object> models = new ArrayList<>();
        long totalBytes = 0;
        for (StoreInventory.HubRepo repo : inventory.hubRepos()) {
            String key = repo.repo().toString();
            Traffic.Counts counts = traffic.of(repo.repo());
            long bytes = repo.blobs().values().stream().mapToLong(Long::longValue).sum();
            totalBytes += bytes;
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("source", repo.label());
            model.put("revisions", new TreeMap<>(repo.refs()));
            model.put("snapshots", repo.snapshots().size());
            model.put("bytes", bytes);
            model.put("pins", pins.getOrDefault(key, List.of()));
            model.put("hits", counts.hits());
            model.put("misses", counts.misses());
            models.add(model);
        }
        Traffic.Counts total = traffic.total();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("url", url);
        report.put("store", inventory.root().toString());
        report.put("lockfile", inventory.lockFile().path().toString());
        report.put("pullThrough", pullThrough);
        report.put("tokens", tokens);
        report.put("requests", requests);
        report.put("hits", total.hits());
        report.put("misses", total.misses());
        report.put("bytes", totalBytes);
        report.put("models", models);
        report.put("client", clientCommands(url));
        return report;
    }

    /** What a client machine runs to take its models from {@code url}. */
    Map<String, Object> clientCommands(String url) {
        Map<String, Object> client = new LinkedHashMap<>();
        String token = tokens ? " HF_TOKEN=<your token>" : "";
        String tls = url.startsWith("https:") ? " (trust this server's CA: ca-file=CA.pem in the agent's"
                + " options, SSL_CERT_FILE or NODE_EXTRA_CA_CERTS for other clients)" : "";
        client.put("agent", "java -javaagent:model-redirect.jar=endpoint=" + url
                + (url.startsWith("https:") ? ",ca-file=CA.pem" : "") + " -jar app.jar" + (tokens
                ? "   (with HF_TOKEN=<your token> in the environment)" : ""));
        client.put("pull", (tokens ? "HF_TOKEN=<your token> " : "") + "java -jar model-redirect.jar pull "
                + "hf://ORG/NAME --endpoint " + url);
        client.put("hubClients", "export HF_ENDPOINT=" + url + token + tls);
        return client;
    }

    private Map<String, List<String>> pinsByRepo() {
        Map<String, List<String>> byRepo = new TreeMap<>();
        try {
            for (Map.Entry<String, Pin> entry : inventory.pins().entrySet()) {
                if (entry.getValue() instanceof Pin.Hub hub) {
                    var repo = StoreInventory.repoOf(hub);
                    if (repo != null) {
                        byRepo.computeIfAbsent(repo.toString(), k -> new ArrayList<>())
                                .add(entry.getKey() + " = " + hub.commit());
                    }
                }
            }
        } catch (StoreException unreadable) {
            return Map.of(); // `doctor` names the problem; the page shows no pins
        }
        return byRepo;
    }
}
