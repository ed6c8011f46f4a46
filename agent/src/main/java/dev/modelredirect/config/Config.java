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
 * @param djlEndpoint base URL of the DJL model repository (or a mirror of it), with a trailing slash
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
 * @param mirrors  URL prefixes fetched from elsewhere ({@code mirrors})
 * @param hookFile the file of user-declared hooks ({@code hook-file}), or null
 */
public record Config(
        Path store,
        String endpoint,
        String djlEndpoint,
        Optional<Secret> token,
        boolean offline,
        Path lockfile,
        List<PathMapping> paths,
        Set<String> hooks,
        boolean engines,
        boolean strict,
        Log.Level log,
        NetworkSettings network,
        List<String> problems,
        List<UrlMirror> mirrors,
        Path hookFile) {

    /** Hugging Face's public Hub, the default endpoint. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /** DJL's own model repository, the default {@code djl-endpoint}. */
    public static final String DEFAULT_DJL_ENDPOINT = "https://mlrepo.djl.ai/";

    @Override
    public String toString() {
        return "Config[store=" + store + ", endpoint=" + endpoint + ", djl-endpoint=" + djlEndpoint + ", token=" + token.map(Secret::toString).orElse("none")
                + ", offline=" + offline + ", lockfile=" + lockfile + ", paths=" + paths + ", hooks="
                + (hooks == null ? "all" : hooks) + ", engines=" + engines + ", strict=" + strict + ", log=" + log
                + ", network=" + network + ", mirrors=" + mirrors + ", hook-file=" + hookFile + "]";
    }
}
