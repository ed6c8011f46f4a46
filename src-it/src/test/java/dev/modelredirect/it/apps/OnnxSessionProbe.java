package dev.modelredirect.it.apps;

/**
 * {@code OnnxSessionProbe MODEL}: ONNX Runtime's {@code OrtEnvironment.getEnvironment().createSession(MODEL,
 * new SessionOptions())}, as an application opens a model by path, then prints {@code inputs TAB [...]} (sorted).
 * Reached by reflection: ONNX Runtime is on the child's class path only.
 */
public final class OnnxSessionProbe {
    private OnnxSessionProbe() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> environmentType = Class.forName("ai.onnxruntime.OrtEnvironment");
        Class<?> optionsType = Class.forName("ai.onnxruntime.OrtSession$SessionOptions");
        Object environment = environmentType.getMethod("getEnvironment").invoke(null);
        Object options = optionsType.getConstructor().newInstance();
        Object session = environmentType.getMethod("createSession", String.class, optionsType)
                .invoke(environment, args[0], options);
        Object inputs = session.getClass().getMethod("getInputNames").invoke(session);
        System.out.println("inputs\t" + new java.util.TreeSet<>((java.util.Set<?>) inputs));
    }
}
