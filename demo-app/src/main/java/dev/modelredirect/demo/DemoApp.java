package dev.modelredirect.demo;

import java.util.Arrays;

/**
 * An ordinary DJL application, knowing nothing of model-redirect: it names its models by their Hub URLs and ids, as
 * real applications do. Two jobs: {@code search} (the default), {@link SemanticSearch} with all-MiniLM-L6-v2 on the
 * ONNX Runtime engine; and {@code iris}, {@link IrisDemo}, an Iris classifier on the PyTorch engine.
 *
 * <pre>java -jar demo-app.jar [search|iris] [options]</pre>
 *
 * <p>Exit code 0 on success, 1 when the job fails (the message is on stderr), 2 on a usage error.
 */
public final class DemoApp {
    private DemoApp() {
    }

    public static void main(String[] args) throws Exception {
        String job = args.length > 0 && !args[0].startsWith("--") ? args[0] : "search";
        String[] rest = args.length > 0 && !args[0].startsWith("--") ? Arrays.copyOfRange(args, 1, args.length)
                : args;
        try {
            switch (job) {
                case "search": SemanticSearch.run(rest); break;
                case "iris": IrisDemo.run(rest); break;
                default: throw new UsageException("unknown job '" + job + "': search or iris");
            }
        } catch (UsageException usage) {
            System.err.println("demo: " + usage.getMessage());
            System.exit(2);
        } catch (Devices.GpuUnavailableException noGpu) {
            System.err.println("demo: " + noGpu.getMessage());
            System.exit(1);
        }
    }
}
