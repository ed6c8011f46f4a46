package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar holds only the project's own packages and {@code META-INF}, so that an application with its own
 * (other) versions of Byte Buddy, OkHttp, Okio, Kotlin or Jackson is unaffected; its manifest makes it an agent, an
 * attachable agent and a command-line tool.
 */
class AgentJarHygieneIT {
    private static final int JAVA_17_CLASS_FILE = 61;

    @Test
    void theJarHoldsOnlyTheProjectsPackagesAndMetaInf() throws IOException {
        List<String> stray = new ArrayList<>();
        List<String> tooNew = new ArrayList<>();
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                boolean own = name.equals("dev/") || name.startsWith("dev/modelredirect/");
                boolean meta = name.startsWith("META-INF/");
                if (!own && !meta || name.endsWith("module-info.class") || name.startsWith("META-INF/versions/")
                        || meta && name.endsWith(".class")) {
                    stray.add(name);
                }
                if (name.endsWith(".class") && majorVersion(jar, entry) > JAVA_17_CLASS_FILE) {
                    tooNew.add(name);
                }
                if (name.startsWith("META-INF/services/") && !entry.isDirectory()) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                        text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                                .filter(l -> !l.startsWith("dev.modelredirect."))
                                .forEach(l -> stray.add(name + " -> " + l));
                    }
                }
            }
        }
        assertThat(stray).as("entries outside dev/modelredirect/ and META-INF/, module-info, versioned classes, "
                + "service files naming other packages").isEmpty();
        assertThat(tooNew).as("classes newer than Java 17").isEmpty();
    }

    @Test
    void theManifestMakesItAnAgentAnAttachableAgentAndTheCommandLineTool() throws IOException {
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("dev.modelredirect.agent.Agent");
            assertThat(main.getValue("Agent-Class")).isEqualTo("dev.modelredirect.agent.Agent");
            assertThat(main.getValue("Main-Class")).isEqualTo("dev.modelredirect.cli.Main");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
            assertThat(main.getValue("Multi-Release")).as("Multi-Release").isNotEqualToIgnoringCase("true");
            assertThat(main.getValue("Boot-Class-Path")).as("Boot-Class-Path: nothing on the bootstrap path at start")
                    .isNull();
            for (String type : List.of("Premain-Class", "Agent-Class", "Main-Class")) {
                String path = main.getValue(type).replace('.', '/') + ".class";
                assertThat(jar.getEntry(path)).as(type + " " + path + " in the jar").isNotNull();
            }
        }
    }

    private static int majorVersion(JarFile jar, JarEntry entry) throws IOException {
        try (DataInputStream in = new DataInputStream(jar.getInputStream(entry))) {
            if (in.readInt() != 0xCAFEBABE) {
                return 0;
            }
            in.readUnsignedShort();
            return in.readUnsignedShort();
        }
    }
}
