package dev.modelredirect.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.bridge.Bridge;
import dev.modelredirect.hookfile.DeclaredHooks;
import dev.modelredirect.hookfile.HookFileParser;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Ownership;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ByteArrayClassLoader;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.implementation.MethodCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UserHookInstrumentationTest {
    private static final String LOADER = "test.hooked.Loader";
    private final List<Object[]> calls = new ArrayList<>();

    @AfterEach
    void uninstall() {
        Bridge.install(null);
        DeclaredHooks.use(List.of());
    }

    private void declare(String text) {
        DeclaredHooks.use(HookFileParser.parse("test", text).declarations());
        Bridge.install((operation, args) -> {
            calls.add(args);
            return operation.equals("userArgument") ? "store:" + args[1] : null;
        });
    }

    /** A class with {@code static String load(String, int)} returning its first argument, and a constructor. */
    private static byte[] loaderClass() throws Exception {
        return new ByteBuddy().subclass(Object.class, net.bytebuddy.dynamic.scaffold.subclass
                .ConstructorStrategy.Default.NO_CONSTRUCTORS).name(LOADER)
                .defineField("location", String.class, Visibility.PUBLIC)
                .defineConstructor(Visibility.PUBLIC).withParameters(String.class)
                .intercept(MethodCall.invoke(Object.class.getConstructor())
                        .andThen(FieldAccessor.ofField("location").setsArgumentAt(0)))
                .defineMethod("load", String.class, Visibility.PUBLIC, Ownership.STATIC)
                .withParameters(String.class, int.class).intercept(FixedValue.argument(0))
                .make().getBytes();
    }

    private static Class<?> load(byte[] bytes) {
        ClassLoader loader = new ByteArrayClassLoader(UserHookInstrumentationTest.class.getClassLoader(),
                Map.of(LOADER, bytes));
        try {
            return Class.forName(LOADER, true, loader);
        } catch (ClassNotFoundException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void theDeclaredArgumentOfAMethodIsReplacedByTheBridgesAnswerBeforeTheBodyRuns() throws Exception {
        declare(LOADER + "#load(java.lang.String,int) arg0 path");
        Instrumenter.Result result = Instrumenter.instrument(getClass().getClassLoader(), LOADER.replace('.', '/'),
                loaderClass(), List.of(HookCatalog.USER));
        assertThat(result.misfits()).isEmpty();
        assertThat(result.installed()).containsExactly(HookCatalog.USER);
        Method method = load(result.bytes()).getMethod("load", String.class, int.class);
        assertThat(method.invoke(null, "https://x/m.onnx", 3)).isEqualTo("store:https://x/m.onnx");
        assertThat(calls).singleElement().satisfies(args -> assertThat(args[0])
                .isEqualTo(LOADER + "#load(java.lang.String,int) arg0 path"));
    }

    @Test
    void aConstructorArgumentIsReplacedBeforeTheConstructorUsesIt() throws Exception {
        declare(LOADER + "#<init>(java.lang.String) arg0 path");
        Instrumenter.Result result = Instrumenter.instrument(getClass().getClassLoader(), LOADER.replace('.', '/'),
                loaderClass(), List.of(HookCatalog.USER));
        Object instance = load(result.bytes()).getConstructor(String.class).newInstance("hf://o/n/m.onnx");
        assertThat(instance.getClass().getField("location").get(instance)).isEqualTo("store:hf://o/n/m.onnx");
        assertThat(load(result.bytes()).getMethod("load", String.class, int.class).invoke(null, "a", 1))
                .as("an undeclared method").isEqualTo("a");
    }

    @Test
    void aLineMatchingNoMethodIsAMisfitNamingItsNumberAndTheOthersStillApply() throws Exception {
        declare("# comment\n" + LOADER + "#load(java.lang.String) arg0 path\n"
                + LOADER + "#load(java.lang.String,int) arg0 path\n");
        Instrumenter.Result result = Instrumenter.instrument(getClass().getClassLoader(), LOADER.replace('.', '/'),
                loaderClass(), List.of(HookCatalog.USER));
        assertThat(result.misfits()).singleElement().asString().startsWith("user: line 2 of the hook file (" + LOADER
                + "#load(java.lang.String) arg0 path) matches no method of " + LOADER);
        assertThat(load(result.bytes()).getMethod("load", String.class, int.class).invoke(null, "a", 1))
                .isEqualTo("store:a");
    }

    @Test
    void withoutAHandlerTheArgumentPassesUnchanged() throws Exception {
        declare(LOADER + "#load(java.lang.String,int) arg0 path");
        Bridge.install(null);
        Instrumenter.Result result = Instrumenter.instrument(getClass().getClassLoader(), LOADER.replace('.', '/'),
                loaderClass(), List.of(HookCatalog.USER));
        assertThat(load(result.bytes()).getMethod("load", String.class, int.class).invoke(null, "a", 1))
                .isEqualTo("a");
    }
}
