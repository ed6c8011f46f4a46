package dev.modelredirect.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How the product's HTTP client reaches servers: connections per large file, an extra certificate authority bundle,
 * and the proxy variables of the environment as curl reads them.
 *
 * @param connections    connections at once for one large file (key {@code connections})
 * @param caFile         a PEM bundle trusted in addition to the JDK's (key {@code ca-file}, else
 *                       {@code $SSL_CERT_FILE}, else {@code $REQUESTS_CA_BUNDLE})
 * @param caFileOrigin   where {@code caFile} was given, for messages; empty when there is none
 * @param proxyVariables the set ones of {@code https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY
 *                       no_proxy NO_PROXY}, by name; values may hold proxy credentials and are never printed
 */
public record NetworkSettings(int connections, Optional<Path> caFile, String caFileOrigin,
        Map<String, String> proxyVariables) {
    /** Connections for one large file unless the key says otherwise: as many as {@code aria2c -x4} opens. */
    public static final int DEFAULT_CONNECTIONS = 4;
    /** The most connections the key accepts. */
    public static final int MAX_CONNECTIONS = 16;
    /** The environment variables read for proxies, in the order curl consults them. */
    public static final java.util.List<String> PROXY_VARIABLES = java.util.List.of("https_proxy", "HTTPS_PROXY",
            "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY");

    /** No proxy, no extra trust, default connections: what tests and tools without a configuration use. */
    public static final NetworkSettings DIRECT = new NetworkSettings(DEFAULT_CONNECTIONS, Optional.empty(), "",
            Map.of());

    public NetworkSettings {
        proxyVariables = Map.copyOf(proxyVariables);
    }

    /** The proxy variables of {@code env} (a process environment), by name. */
    public static Map<String, String> proxyVariablesOf(Map<String, String> env) {
        Map<String, String> found = new java.util.LinkedHashMap<>();
        for (String name : PROXY_VARIABLES) {
            String value = env.get(name);
            if (value != null) {
                found.put(name, value);
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "NetworkSettings[connections=" + connections + ", caFile=" + caFile.map(Path::toString).orElse("none")
                + ", proxyVariables=" + proxyVariables.keySet() + "]";
    }
}
