package dev.modelredirect.it.apps;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts DJL's PyTorch engine and prints {@code engine TAB name TAB version}, then {@code native TAB path} for every
 * libtorch library the process has mapped (read from {@code /proc/self/maps}): where the engine's native libraries
 * were really loaded from.
 */
public final class EngineProbe {
    private EngineProbe() {
    }

    public static void main(String[] args) throws Exception {
        Engine engine = Engine.getEngine("PyTorch");
        System.out.println("engine\t" + engine.getEngineName() + "\t" + engine.getVersion());
        Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(line -> line.substring(line.indexOf('/') < 0 ? line.length() : line.indexOf('/')))
                .filter(path -> path.contains("libtorch_cpu.so")).distinct()
                .forEach(path -> System.out.println("native\t" + path));
    }
}
