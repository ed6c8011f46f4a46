package dev.modelredirect.hooks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hooks by name and the classes they instrument, as plain data: the agent matches classes by name with it at
 * start-up without loading Byte Buddy. {@link Instrumenter} turns a name into advice when a target class appears.
 */
public final class HookCatalog {
    /** {@code Repository.newInstance(String, String)}: remote model URLs become {@code file:} URLs in the store. */
    public static final String DJL_REPOSITORY = "djl-repository";
    /** {@code Utils.getCacheDir()}, {@code getEngineCacheDir()}: DJL's caches in the store. */
    public static final String DJL_CACHE = "djl-cache";
    /** {@code HuggingFaceTokenizer.newInstance(String, Map)}: tokenizer files from the store. */
    public static final String HF_TOKENIZER = "hf-tokenizer";
    /** Spring AI's {@code TransformersEmbeddingModel.getCachedResource(Resource)}: its resources are the store's files. */
    public static final String SPRING_AI = "spring-ai";
    /** The methods declared in the {@code hook-file}; their classes come from that file. */
    public static final String USER = "user";
    /** The {@code paths} key applied wherever a hook sees a path; no class of its own. */
    public static final String PATHS = "paths";
    /** {@code Ec2Utils.callHome(String)} skipped when offline; installed with offline=true, not named in hooks=. */
    public static final String DJL_CALL_HOME = "djl-call-home";

    /** DJL's model zoo ({@code djl://}, zoo lookups): index, metadata and artifacts from the store; see its parts. */
    public static final String DJL_ZOO = "djl-zoo";
    /** Part of djl-zoo: {@code RemoteRepository(String, URI)} and {@code locate(MRL)}. */
    public static final String DJL_ZOO_REMOTE = "djl-zoo.remote";
    /** Part of djl-zoo: {@code AbstractRepository.download(Path, URI, Item, Progress)}. */
    public static final String DJL_ZOO_DOWNLOAD = "djl-zoo.download";
    /** Part of djl-zoo: {@code ModelZoo.listModels(Repository, Application)}. */
    public static final String DJL_ZOO_INDEX = "djl-zoo.index";
    /** The parts of djl-zoo, one per class it instruments. */
    public static final List<String> DJL_ZOO_PARTS = List.of(DJL_ZOO_DOWNLOAD, DJL_ZOO_REMOTE, DJL_ZOO_INDEX);

    /** Every hook a user can name, in the order they are listed. */
    public static final List<String> USER_HOOKS = List.of(DJL_REPOSITORY, DJL_CACHE, HF_TOKENIZER, DJL_ZOO, PATHS,
            SPRING_AI, USER);

    /** The advice classes as resources of the agent jar: their bytes key the cache of instrumented classes. */
    public static final List<String> ADVICE_RESOURCES = List.of(
            "dev/modelredirect/hooks/RepositoryAdvice.class", "dev/modelredirect/hooks/CacheDirAdvice.class",
            "dev/modelredirect/hooks/EngineCacheDirAdvice.class", "dev/modelredirect/hooks/TokenizerAdvice.class",
            "dev/modelredirect/hooks/CallHomeAdvice.class", "dev/modelredirect/hooks/Instrumenter.class",
            "dev/modelredirect/hooks/SpringAiResourceAdvice.class", "dev/modelredirect/hooks/UserArgumentAdvice.class",
            "dev/modelredirect/hooks/UserHookInstrumentation.class",
            "dev/modelredirect/hooks/zoo/RemoteRepositoryAdvice.class", "dev/modelredirect/hooks/zoo/LocateAdvice.class",
            "dev/modelredirect/hooks/zoo/DownloadAdvice.class", "dev/modelredirect/hooks/zoo/ListModelsAdvice.class");

    private static final Map<String, String> TARGETS = new LinkedHashMap<>();

    static {
        TARGETS.put(DJL_REPOSITORY, "ai/djl/repository/Repository");
        TARGETS.put(DJL_CACHE, "ai/djl/util/Utils");
        TARGETS.put(HF_TOKENIZER, "ai/djl/huggingface/tokenizers/HuggingFaceTokenizer");
        TARGETS.put(DJL_CALL_HOME, "ai/djl/util/Ec2Utils");
        TARGETS.put(SPRING_AI, "org/springframework/ai/transformers/TransformersEmbeddingModel");
        TARGETS.put(DJL_ZOO_DOWNLOAD, "ai/djl/repository/AbstractRepository");
        TARGETS.put(DJL_ZOO_REMOTE, "ai/djl/repository/RemoteRepository");
        TARGETS.put(DJL_ZOO_INDEX, "ai/djl/repository/zoo/ModelZoo");
    }

    private HookCatalog() {
    }

    /** The internal name of the class a hook instruments, or null for {@link #PATHS}. */
    public static String targetOf(String hook) {
        return TARGETS.get(hook);
    }

    /** The hooks to install: the user's selection (null: all) plus call-home silencing when offline. */
    public static List<String> selected(Set<String> chosen, boolean offline) {
        List<String> hooks = new ArrayList<>();
        for (String hook : USER_HOOKS) {
            if (chosen == null || chosen.contains(hook)) {
                hooks.add(hook);
                if (hook.equals(DJL_ZOO)) {
                    hooks.addAll(DJL_ZOO_PARTS);
                }
            }
        }
        if (offline && (chosen == null || !chosen.isEmpty())) {
            hooks.add(DJL_CALL_HOME);
        }
        return hooks;
    }

    /**
     * Adds the {@link #USER} hook to {@code byTarget} for each class the hook file names ({@code a/b/C}), when it is
     * among {@code hooks}.
     */
    public static void addUserTargets(Map<String, List<String>> byTarget, List<String> hooks,
            java.util.Collection<String> internalNames) {
        if (!hooks.contains(USER)) {
            return;
        }
        for (String internalName : internalNames) {
            List<String> hooksOfTarget = byTarget.get(internalName);
            if (hooksOfTarget == null) {
                hooksOfTarget = new ArrayList<>();
                byTarget.put(internalName, hooksOfTarget);
            }
            if (!hooksOfTarget.contains(USER)) {
                hooksOfTarget.add(USER);
            }
        }
    }

    /** The name a hook is reported by: a part of djl-zoo by djl-zoo. */
    public static String reportedName(String hook) {
        return DJL_ZOO_PARTS.contains(hook) ? DJL_ZOO : hook;
    }

    /** Whether a hook is shown in the start line and status: not call-home silencing nor a part of another. */
    public static boolean isShown(String hook) {
        return !hook.equals(DJL_CALL_HOME) && !DJL_ZOO_PARTS.contains(hook);
    }

    /** Internal class name to the instrumented hooks of that class, for the given selection. */
    public static Map<String, List<String>> byTarget(List<String> hooks) {
        Map<String, List<String>> byTarget = new LinkedHashMap<>();
        for (String hook : hooks) {
            String target = TARGETS.get(hook);
            if (target != null) {
                List<String> hooksOfTarget = byTarget.get(target);
                if (hooksOfTarget == null) {
                    hooksOfTarget = new ArrayList<>();
                    byTarget.put(target, hooksOfTarget);
                }
                hooksOfTarget.add(hook);
            }
        }
        return byTarget;
    }
}
