package dev.modelredirect.store;

import dev.modelredirect.files.SafePaths;
import dev.modelredirect.files.UnsafePathException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the DJL model zoo lives in {@code <store>/zoo}: the files of the DJL model repository under the very paths the
 * repository serves them, so the folder is itself a browsable mirror of it (for {@code serve}, a static web server, or
 * {@code DJL_REPO_URL=file:...}).
 *
 * <pre>
 * zoo/model/APP/GROUP/models.json.gz                 a group's index for one application (GROUP: '.' as '/')
 * zoo/model/APP/GROUP/ARTIFACT/metadata.json         a model's metadata, with the sha1 and size of each file
 * zoo/model/APP/GROUP/ARTIFACT/VERSION/FILE          its files, as the metadata names them
 * .locks/zoo/HASH.lock                               named lock of one file's download
 * </pre>
 *
 * <p>Integrity lives in the lock file: sources {@code djl://GROUP/ARTIFACT} (metadata and files) and
 * {@code djl://GROUP} (the index files) pin every file's size and sha256; DJL's own sha1 of each artifact file is in
 * the pinned {@code metadata.json}. Every path is checked with {@link SafePaths}: names come from a server.
 */
public final class ZooLayout {
    /** The scheme of zoo sources. */
    public static final String SCHEME = "djl://";
    /** The store folder of the zoo, relative to the store root. */
    public static final String FOLDER = "zoo";

    /**
     * The patterns of zoo names, compiled at the first zoo source rather than whenever a store opens (compiling them
     * was a tenth of the start of a command line that never names the zoo).
     */
    private static final class Patterns {
        static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
        static final Pattern ARTIFACT = Pattern.compile("[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*");
        static final Pattern PATH_CHARACTERS = Pattern.compile("[A-Za-z0-9._+=/-]+");
        /** DJL's own split of a {@code djl://} path: artifact, then a version of digits and dots, then a name. */
        static final Pattern WITH_VERSION = Pattern.compile("(.+)/([\\d.]+)(/(.*))?");
    }

    private static final String USAGE = "expected djl://GROUP/ARTIFACT[/VERSION], such as "
            + "djl://ai.djl.huggingface.onnxruntime/sentence-transformers/all-MiniLM-L6-v2";

    private final Path root;

    /** @param root {@code <store>/zoo} */
    public ZooLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The local file of a repository path such as {@code model/nlp/.../metadata.json}. */
    public Path file(String repositoryPath) throws UnsafePathException {
        return SafePaths.resolve(root, checkedPath(repositoryPath), "DJL repository path");
    }

    /** The path of a stored file relative to the store root, as the lock file records it: {@code zoo/...}. */
    public static String pinPath(String repositoryPath) {
        return FOLDER + "/" + repositoryPath;
    }

    /** The named lock of one file's download. */
    public Path lock(String repositoryPath) {
        return root.resolveSibling(".locks").resolve(FOLDER).resolve(UrlLayout.hash(repositoryPath) + ".lock");
    }

    /**
     * A repository path made canonical and checked: repeated {@code /} collapsed (DJL asks for
     * {@code ARTIFACT//metadata.json}), a plain relative path under {@code model/} or {@code dataset/}.
     *
     * @throws UnsafePathException for anything else, naming the path
     */
    public static String checkedPath(String repositoryPath) throws UnsafePathException {
        String path = repositoryPath == null ? "" : repositoryPath.replaceAll("/{2,}", "/");
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String problem = SafePaths.problem(path);
        if (problem == null && !path.startsWith("model/") && !path.startsWith("dataset/")) {
            problem = "it is not under model/ or dataset/";
        }
        if (problem == null && !Patterns.PATH_CHARACTERS.matcher(path).matches()) {
            problem = "it holds a character other than letters, digits and . _ + = - /";
        }
        if (problem != null) {
            throw new UnsafePathException("refused DJL repository path '" + repositoryPath + "': " + problem);
        }
        return path;
    }

    /** The folder of a group for one application: {@code model/APP/GROUP/}. */
    public static String groupFolder(String application, String group) {
        return "model/" + application + "/" + group.replace('.', '/') + "/";
    }

    /** The index of a group for one application: {@code model/APP/GROUP/models.json.gz}. */
    public static String indexPath(String application, String group) {
        return groupFolder(application, group) + "models.json.gz";
    }

    /** A model's folder: {@code model/APP/GROUP/ARTIFACT/}. */
    public static String modelFolder(String application, String group, String artifact) {
        return groupFolder(application, group) + artifact + "/";
    }

    /** The lock-file source of a model: {@code djl://GROUP/ARTIFACT}. */
    public static String modelSource(String group, String artifact) {
        return SCHEME + group + "/" + artifact;
    }

    /** The lock-file source of a group's index files: {@code djl://GROUP}. */
    public static String indexSource(String group) {
        return SCHEME + group;
    }

    /** Whether a group id is well formed (dot-separated plain names). */
    public static boolean isGroup(String group) {
        return group != null && Patterns.GROUP.matcher(group).matches();
    }

    /** Whether an artifact id is well formed (plain names, {@code /}-separated, none of them {@code .} or {@code ..}). */
    public static boolean isArtifact(String artifact) {
        return artifact != null && Patterns.ARTIFACT.matcher(artifact).matches()
                && SafePaths.problem(artifact) == null;
    }

    /**
     * Reads {@code djl://GROUP/ARTIFACT[/VERSION]} as DJL splits it; {@code djl://GROUP} is the group's index files.
     *
     * @throws StoreException naming the text and the accepted form
     */
    static Source.Djl parse(String text) throws StoreException {
        String rest = text.substring(SCHEME.length());
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        rest = rest.replaceAll("/+$", "");
        int slash = rest.indexOf('/');
        if (slash < 0 && isGroup(rest)) {
            return new Source.Djl(text, rest, null, null);
        }
        if (slash <= 0) {
            throw new StoreException("cannot read source '" + text + "': the model needs GROUP/ARTIFACT; " + USAGE);
        }
        String group = rest.substring(0, slash);
        String artifact = rest.substring(slash + 1);
        String version = null;
        Matcher matcher = Patterns.WITH_VERSION.matcher(artifact);
        if (matcher.matches()) {
            artifact = matcher.group(1);
            version = matcher.group(2);
        }
        if (version != null && !version.matches("\\d+(\\.\\d+)*")) {
            throw new StoreException("refused version '" + version + "' in source '" + text + "': not a version "
                    + "number; " + USAGE);
        }
        if (!isGroup(group)) {
            throw new StoreException("refused group '" + group + "' in source '" + text + "': not a dotted group id; "
                    + USAGE);
        }
        if (!isArtifact(artifact)) {
            throw new StoreException("refused artifact '" + artifact + "' in source '" + text + "': only plain names "
                    + "separated by '/' are accepted; " + USAGE);
        }
        return new Source.Djl(text, group, artifact, version);
    }
}
