package dev.modelredirect.config;

import dev.modelredirect.log.Log;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The resolved configuration of one run: every SPEC key with its value, and the problems found while reading it.
 *
 * <p>Immutable. Built by {@link ConfigLoader}; a bad key or value never stops the build of a {@code Config}: it is
 * reported in {@link #problems()} and its default used, and the caller decides (with {@link #strict()}) whether to stop.
 *
 * @param store    absolute store root
 * @param endpoint Hub base URL without trailing slash
 * @param token    bearer token for the endpoint, if any
 * @param offline  true: never open a connection
 * @param lockfile absolute path of {@code models.lock}
 * @param paths    path prefixes to redirect
 * @param hooks    hook names to install; null means all
 * @param engines  keep DJL engine libraries in the store
 * @param strict   stop on a bad key or a hook that cannot be installed
 * @param log      verbosity on stderr
 * @param network  connections, extra trusted certificates and proxies of the HTTP client
 * @param problems one line per bad key or value, already phrased for the user
 */
public record Config(
        Path store,
        String endpoint,
        Optional<Secret> token,
        boolean offline,
        Path lockfile,
        List<PathMapping> paths,
        Set<String> hooks,
        boolean engines,
        boolean strict,
        Log.Level log,
        NetworkSettings network,
        List<String> problems) {

    /** Hugging Face's public Hub, the default endpoint. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    @Override
    public String toString() {
        return "Config[store=" + store + ", endpoint=" + endpoint + ", token=" + token.map(Secret::toString).orElse("none")
                + ", offline=" + offline + ", lockfile=" + lockfile + ", paths=" + paths + ", hooks="
                + (hooks == null ? "all" : hooks) + ", engines=" + engines + ", strict=" + strict + ", log=" + log
                + ", network=" + network + "]";
    }
}
