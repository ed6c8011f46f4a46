package dev.modelredirect.hooks;

import dev.modelredirect.hooks.zoo.DownloadAdvice;
import dev.modelredirect.hooks.zoo.ListModelsAdvice;
import dev.modelredirect.hooks.zoo.LocateAdvice;
import dev.modelredirect.hooks.zoo.RemoteRepositoryAdvice;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * The methods of the {@code djl-zoo} hook, one part per DJL class: {@code AbstractRepository.download} (artifact files),
 * {@code RemoteRepository}'s constructor and {@code locate} (the base URL and {@code metadata.json}), and
 * {@code ModelZoo.listModels(Repository, Application)} (the index). The part that swaps the base URL only fits when
 * the superclass has the {@code download} method the artifact part needs, so a DJL without it keeps its own URL.
 */
final class ZooTargets {
    private static final ElementMatcher<MethodDescription> DOWNLOAD = not(isStatic()).and(named("download"))
            .and(takesArguments(4)).and(takesArgument(0, java.nio.file.Path.class))
            .and(takesArgument(1, java.net.URI.class)).and(returns(void.class));

    private ZooTargets() {
    }

    /** Adds the methods of a djl-zoo part; nothing for any other hook. */
    static void add(String hook, List<Instrumenter.Target> targets) {
        switch (hook) {
            case HookCatalog.DJL_ZOO_DOWNLOAD:
                targets.add(new Instrumenter.Target(hook, DOWNLOAD,
                        "download(Path, URI, Artifact.Item, Progress)", DownloadAdvice.class));
                break;
            case HookCatalog.DJL_ZOO_REMOTE:
                targets.add(new Instrumenter.Target(hook, isConstructor().and(takesArguments(String.class,
                        java.net.URI.class)), "constructor (String, URI)", RemoteRepositoryAdvice.class));
                targets.add(new Instrumenter.Target(hook, not(isStatic()).and(named("locate")).and(takesArguments(1))
                        .and(returns(named("ai.djl.repository.Metadata"))), "Metadata locate(MRL)",
                        LocateAdvice.class));
                break;
            case HookCatalog.DJL_ZOO_INDEX:
                targets.add(new Instrumenter.Target(hook, not(isStatic()).and(named("listModels"))
                        .and(takesArguments(2)).and(returns(java.util.Map.class)),
                        "Map listModels(Repository, Application)", ListModelsAdvice.class));
                break;
            default:
                break;
        }
    }

    /**
     * Whether a method may be absent without the hook misfitting: the zoo index, which DJL versions before the Hugging
     * Face zoos (0.8) do not have; there is nothing to fetch there.
     */
    static boolean isOptional(Instrumenter.Target target) {
        return target.hook().equals(HookCatalog.DJL_ZOO_INDEX);
    }

    /** Why a part does not fit beyond its own methods: the base-URL part needs the artifact part's superclass. */
    static String misfit(TypeDescription type, String hook) {
        if (!HookCatalog.DJL_ZOO_REMOTE.equals(hook)) {
            return null;
        }
        TypeDefinition parent = type.getSuperClass();
        while (parent != null) {
            if (!parent.getDeclaredMethods().filter(DOWNLOAD).isEmpty()) {
                return null;
            }
            parent = parent.getSuperClass();
        }
        return "no method download(Path, URI, Artifact.Item, Progress) in a superclass of " + type.getName();
    }
}
