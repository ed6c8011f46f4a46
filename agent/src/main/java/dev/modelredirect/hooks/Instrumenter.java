package dev.modelredirect.hooks;

import dev.modelredirect.log.Log;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeInitializer;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.auxiliary.AuxiliaryType;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Applies hooks to the bytes of a class being loaded, with Byte Buddy advice; loaded only when a target class
 * appears. A hook whose method is not found with the expected signature does not fit this library version: it is
 * skipped and reported, the class is loaded with the hooks that do fit.
 */
public final class Instrumenter {
    private Instrumenter() {
    }

    /** The outcome for one class: new bytes (null: unchanged) and the hooks that did not fit, with why. */
    public record Result(byte[] bytes, List<String> installed, List<String> misfits) {
    }

    record Target(String hook, ElementMatcher<MethodDescription> method, String description,
            Class<?> advice) {
    }

    /** The methods a hook needs, with the advice for each. */
    static List<Target> targets(String hook) {
        List<Target> targets = new ArrayList<>();
        switch (hook) {
            case HookCatalog.DJL_REPOSITORY:
                targets.add(new Target(hook, isStatic().and(named("newInstance")).and(takesArguments(String.class,
                        String.class)), "static newInstance(String, String)", RepositoryAdvice.class));
                break;
            case HookCatalog.DJL_CACHE:
                targets.add(new Target(hook, isStatic().and(named("getCacheDir")).and(takesArguments(0))
                        .and(returns(java.nio.file.Path.class)), "static Path getCacheDir()", CacheDirAdvice.class));
                targets.add(new Target(hook, isStatic().and(named("getEngineCacheDir")).and(takesArguments(0))
                        .and(returns(java.nio.file.Path.class)), "static Path getEngineCacheDir()",
                        EngineCacheDirAdvice.class));
                break;
            case HookCatalog.HF_TOKENIZER:
                targets.add(new Target(hook, isStatic().and(named("newInstance")).and(takesArguments(String.class,
                        java.util.Map.class)), "static newInstance(String, Map)", TokenizerAdvice.class));
                break;
            case HookCatalog.SPRING_AI:
                targets.add(new Target(hook, not(isStatic()).and(named("getCachedResource")).and(takesArguments(1))
                        .and(takesArgument(0, named("org.springframework.core.io.Resource")))
                        .and(returns(named("org.springframework.core.io.Resource"))),
                        "Resource getCachedResource(Resource)", SpringAiResourceAdvice.class));
                break;
            case HookCatalog.DJL_CALL_HOME:
                targets.add(new Target(hook, isStatic().and(named("callHome")).and(takesArguments(String.class))
                        .and(returns(void.class)), "static void callHome(String)", CallHomeAdvice.class));
                break;
            default:
                ZooTargets.add(hook, targets);
                break;
        }
        return targets;
    }

    /**
     * Instruments {@code bytes} of {@code internalName} with {@code hooks}.
     *
     * @param loader the class's loader (null: bootstrap), to read the classes it refers to
     */
    public static Result instrument(ClassLoader loader, String internalName, byte[] bytes, List<String> hooks) {
        String name = internalName.replace('/', '.');
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, bytes),
                loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader()
                        : ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = TypePool.Default.of(locator);
        TypeDescription type = pool.describe(name).resolve();
        List<String> installed = new ArrayList<>();
        List<String> misfits = new ArrayList<>();
        List<AsmVisitorWrapper> visitors = new ArrayList<>();
        for (String hook : hooks) {
            if (hook.equals(HookCatalog.USER)) {
                installed.addAll(UserHookInstrumentation.add(type, visitors, misfits));
                continue;
            }
            List<Target> targets = targets(hook);
            String misfit = misfit(type, hook);
            if (misfit != null) {
                misfits.add(HookCatalog.reportedName(hook) + ": " + misfit);
                continue;
            }
            for (Target target : targets) {
                visitors.add(Advice.to(target.advice()).on(target.method()));
            }
            installed.add(hook);
        }
        if (visitors.isEmpty()) {
            return new Result(null, installed, misfits);
        }
        byte[] result = applyDirectly(type, pool, bytes, new AsmVisitorWrapper.Compound(visitors));
        Log.debug("instrumented %s with %s", name, String.join(", ", installed));
        return new Result(result, installed, misfits);
    }

    /**
     * Why {@code hook} does not fit {@code type} ({@code no method ... in ...}), or null when every method it needs is
     * declared there with the expected signature: the one condition for installing it.
     */
    public static String misfit(TypeDescription type, String hook) {
        for (Target target : targets(hook)) {
            if (type.getDeclaredMethods().filter(target.method()).isEmpty() && !ZooTargets.isOptional(target)) {
                return "no method " + target.description() + " in " + type.getName();
            }
        }
        return ZooTargets.misfit(type, hook);
    }

    /**
     * Runs the advice over the class file with Byte Buddy's bundled ASM, without building a dynamic type: inlining
     * advice needs neither method graphs nor type writers, and skipping them keeps the first hook cheap.
     */
    private static byte[] applyDirectly(TypeDescription type, TypePool pool, byte[] bytes, AsmVisitorWrapper wrapper) {
        int writerFlags = wrapper.mergeWriter(0);
        int readerFlags = wrapper.mergeReader(0);
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, writerFlags);
        ClassFileVersion version = ClassFileVersion.ofClassFile(bytes);
        Implementation.Context context = Implementation.Context.Disabled.Factory.INSTANCE.make(type,
                new AuxiliaryType.NamingStrategy.SuffixingRandom("modelredirect"), TypeInitializer.None.INSTANCE,
                version, version, Implementation.Context.FrameGeneration.GENERATE);
        ClassVisitor visitor = wrapper.wrap(type, writer, context, pool, type.getDeclaredFields(),
                type.getDeclaredMethods(), writerFlags, readerFlags);
        reader.accept(visitor, readerFlags);
        return writer.toByteArray();
    }
}
