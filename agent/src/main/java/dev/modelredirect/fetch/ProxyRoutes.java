package dev.modelredirect.fetch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Route;

/**
 * Which proxy a URL goes through, read from the environment as curl reads it: {@code https_proxy}/
 * {@code HTTPS_PROXY} for https URLs, {@code http_proxy} for http URLs (lower case only: curl ignores
 * {@code HTTP_PROXY}, which a CGI request can set; this class takes it when the lower-case form is absent, as
 * Python's clients do), else {@code all_proxy}/{@code ALL_PROXY}; the lower-case form wins. {@code no_proxy}/
 * {@code NO_PROXY} lists hosts reached directly: {@code *} for all, a domain (with or without a leading dot) for
 * itself and its subdomains, an IP address, or a CIDR range; ports in entries are ignored, as curl does.
 *
 * <p>A proxy URL is {@code [http://][user:password@]host[:port]} (port 1080 when absent, as curl) or
 * {@code socks5://} / {@code socks5h://host[:port]}. Credentials are sent as {@code Proxy-Authorization: Basic} to
 * that proxy only, and never appear in {@link #toString()} or a message. Immutable and thread-safe.
 */
public final class ProxyRoutes {
    /** One proxy: where it is, what a message may say about it, and its credentials (possibly null). */
    private record Entry(Proxy proxy, String described, String credentials, String problem) {
    }

    private final Entry https;
    private final Entry http;
    private final List<String> noProxy;

    private ProxyRoutes(Entry https, Entry http, List<String> noProxy) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
    }

    /** No proxy at all. */
    public static final ProxyRoutes DIRECT = new ProxyRoutes(null, null, List.of());

    /** The routes the variables imply (names as in the environment; absent or blank ones are unset). */
    public static ProxyRoutes fromVariables(Map<String, String> variables) {
        Entry all = entry(variables, "all_proxy", "ALL_PROXY");
        Entry https = entry(variables, "https_proxy", "HTTPS_PROXY");
        Entry http = entry(variables, "http_proxy", "HTTP_PROXY");
        List<String> noProxy = new ArrayList<>();
        String list = first(variables, "no_proxy", "NO_PROXY");
        if (list != null) {
            for (String item : list.split("[,\\s]+")) {
                String host = item.trim().toLowerCase(Locale.ROOT);
                if (!host.isEmpty()) {
                    noProxy.add(host);
                }
            }
        }
        return new ProxyRoutes(https != null ? https : all, http != null ? http : all, List.copyOf(noProxy));
    }

    private static String first(Map<String, String> variables, String lower, String upper) {
        String value = variables.get(lower);
        if (value == null || value.isBlank()) {
            value = variables.get(upper);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Entry entry(Map<String, String> variables, String lower, String upper) {
        String value = first(variables, lower, upper);
        if (value == null) {
            return null;
        }
        String name = variables.get(lower) != null && !variables.get(lower).isBlank() ? lower : upper;
        String text = value.contains("://") ? value : "http://" + value;
        URI uri;
        try {
            uri = new URI(text);
        } catch (java.net.URISyntaxException ex) {
            return new Entry(null, name, null, "the proxy in " + name + " is not a URL; write it as "
                    + "http://[user:password@]host:port, or unset " + name);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || !(scheme.equals("http") || scheme.equals("socks5") || scheme.equals("socks5h"))) {
            return new Entry(null, name, null, "the proxy in " + name + " (scheme " + scheme + ") is not supported; "
                    + "use an http:// or socks5:// proxy URL, or unset " + name);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 1080;
        String described = scheme + "://" + host + ":" + port + " (from " + name + ")";
        String credentials = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            if (!scheme.equals("http")) {
                return new Entry(null, name, null, "the proxy in " + name + " has credentials, which are supported "
                        + "for http:// proxies only; remove them or use an http:// proxy");
            }
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
            credentials = Credentials.basic(user, password, StandardCharsets.UTF_8);
        }
        Proxy.Type type = scheme.equals("http") ? Proxy.Type.HTTP : Proxy.Type.SOCKS;
        Proxy proxy = new Proxy(type, InetSocketAddress.createUnresolved(host.replace("[", "").replace("]", ""),
                port));
        return new Entry(proxy, described, credentials, null);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private Entry entryFor(HttpUrl url) {
        Entry entry = url.isHttps() ? https : http;
        if (entry == null || bypasses(url.host())) {
            return null;
        }
        return entry;
    }

    /** Whether {@code host} is listed in {@code no_proxy}. */
    boolean bypasses(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        for (String item : noProxy) {
            if (item.equals("*")) {
                return true;
            }
            String pattern = item;
            if (pattern.startsWith("[")) {
                int close = pattern.indexOf(']');
                pattern = close > 0 ? pattern.substring(1, close) : pattern;
            } else if (pattern.indexOf(':') == pattern.lastIndexOf(':') && pattern.indexOf(':') > 0) {
                pattern = pattern.substring(0, pattern.indexOf(':'));
            }
            if (pattern.contains("/")) {
                if (inCidr(name, pattern)) {
                    return true;
                }
                continue;
            }
            while (pattern.startsWith(".")) {
                pattern = pattern.substring(1);
            }
            if (!pattern.isEmpty() && (name.equals(pattern) || name.endsWith("." + pattern))) {
                return true;
            }
        }
        return false;
    }

    private static boolean inCidr(String host, String cidr) {
        int slash = cidr.indexOf('/');
        byte[] address = literal(host);
        byte[] network = literal(cidr.substring(0, slash));
        if (address == null || network == null || address.length != network.length) {
            return false;
        }
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException ex) {
            return false;
        }
        for (int i = 0; i < address.length * 8 && i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of an IP literal, or null when {@code text} is a name (never resolved). */
    private static byte[] literal(String text) {
        boolean ipv4 = text.matches("[0-9.]+");
        boolean ipv6 = text.contains(":") && text.matches("[0-9a-fA-F:.]+");
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException ex) {
            return null;
        }
    }

    /** Whether {@code url} goes through a proxy. */
    public boolean proxied(HttpUrl url) {
        return entryFor(url) != null;
    }

    /** The proxy {@code url} goes through, for messages (never its credentials); null when direct. */
    public String describe(HttpUrl url) {
        Entry entry = entryFor(url);
        return entry == null ? null : entry.described();
    }

    /** Throws when the variable that applies to {@code url} cannot be used. */
    void check(HttpUrl url) throws FetchException {
        Entry entry = entryFor(url);
        if (entry != null && entry.problem() != null) {
            throw new FetchException("cannot download " + Http.describe(url) + ": " + entry.problem());
        }
    }

    /** The selector OkHttp asks per connection. */
    ProxySelector selector() {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                HttpUrl url = HttpUrl.get(uri);
                Entry entry = url == null ? null : entryFor(url);
                return List.of(entry == null || entry.proxy() == null ? Proxy.NO_PROXY : entry.proxy());
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException ex) {
                // reported by the request that failed
            }
        };
    }

    /** Answers a proxy's 407 (and OkHttp's pre-emptive challenge before a CONNECT) with that proxy's credentials. */
    Authenticator authenticator() {
        return (Route route, okhttp3.Response response) -> {
            if (route == null || response.request().header("Proxy-Authorization") != null) {
                return null;
            }
            String credentials = credentialsFor(route.proxy());
            if (credentials == null) {
                return null;
            }
            Request request = response.request();
            return request.newBuilder().header("Proxy-Authorization", credentials).build();
        };
    }

    private String credentialsFor(Proxy proxy) {
        for (Entry entry : new Entry[] {https, http}) {
            if (entry != null && entry.proxy() != null && entry.proxy().equals(proxy)) {
                return entry.credentials();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "ProxyRoutes[https=" + (https == null ? "direct" : https.described()) + ", http="
                + (http == null ? "direct" : http.described()) + ", no_proxy=" + noProxy + "]";
    }
}
