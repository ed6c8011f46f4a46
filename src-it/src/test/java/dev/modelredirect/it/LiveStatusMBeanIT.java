package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import dev.modelredirect.it.apps.StatusProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * The agent's live status read from another process, as jconsole does: the test attaches to the running application
 * (Attach API), starts its local JMX agent (a connector on loopback), and reads {@code dev.modelredirect:type=ModelStore}
 * with a generic JMX client (plain attribute values, no agent classes): one miss with the bytes of the model, then
 * hits, counted live.
 */
class LiveStatusMBeanIT {
    private static final String URL = "https://huggingface.co/org/m/resolve/main/model.pt";

    @Test
    void aGenericJmxClientReadsHitsMissesAndBytesOfTheRunningApplication() throws Exception {
        Path work = Scratch.fresh("live-status");
        Path store = work.resolve("store");
        Content model = Content.synthetic(6000, 4);
        try (FakeHub hub = new FakeHub()) {
            hub.model("org/m").lfs("model.pt", model);
            try (ChildJvm app = Djl.app(work, Djl.CURRENT, StatusProbe.class, work.toString(), URL)
                    .agent("store=" + store + ",endpoint=" + hub.endpoint()).start()) {
                Poll.until(Duration.ofMinutes(1), "the application has asked for the model twice",
                        () -> Files.exists(work.resolve("ready")) || !app.isAlive(), app::stderr);
                assertThat(app.isAlive()).as(app.stderr()).isTrue();
                assertThat(app.stderr()).contains("(downloaded ").contains("(hit)");

                try (JMXConnector connector = connect(app.pid())) {
                    MBeanServerConnection jmx = connector.getMBeanServerConnection();
                    ObjectName name = new ObjectName("dev.modelredirect:type=ModelStore");
                    Poll.until(Duration.ofSeconds(30), "the MBean is registered", () -> registered(jmx, name),
                            app::stderr);

                    assertThat(jmx.getAttribute(name, "Misses")).isEqualTo(1L);
                    assertThat(jmx.getAttribute(name, "Hits")).isEqualTo(1L);
                    assertThat(jmx.getAttribute(name, "Failures")).isEqualTo(0L);
                    assertThat(jmx.getAttribute(name, "BytesDownloaded")).isEqualTo(model.size());
                    assertThat(jmx.getAttribute(name, "StorePath")).isEqualTo(store.toString());
                    assertThat(jmx.getAttribute(name, "Offline")).isEqualTo(false);
                    assertThat(jmx.getAttribute(name, "StoreOpen")).isEqualTo(true);
                    assertThat((String[]) jmx.getAttribute(name, "InstalledHooks")).contains("djl-repository");
                    CompositeData[] last = (CompositeData[]) jmx.getAttribute(name, "LastResolutions");
                    assertThat(last).hasSize(1);
                    assertThat(last[0].get("source")).isEqualTo(URL);
                    assertThat(last[0].get("outcome")).isEqualTo("hit");
                    assertThat((String) last[0].get("path")).startsWith(store.toString()).endsWith("model.pt");

                    Files.writeString(work.resolve("again"), "go\n");
                    Poll.until(Duration.ofSeconds(30), "the application has asked once more",
                            () -> Files.exists(work.resolve("done")) || !app.isAlive(), app::stderr);
                    assertThat(jmx.getAttribute(name, "Hits")).as("read live").isEqualTo(2L);
                    assertThat(jmx.getAttribute(name, "Misses")).isEqualTo(1L);
                    assertThat(jmx.getAttribute(name, "BytesDownloaded")).isEqualTo(model.size());
                } finally {
                    Files.writeString(work.resolve("stop"), "stop\n");
                }
                ChildJvm.Exit exit = app.awaitExit(Duration.ofMinutes(1));
                assertThat(exit.code()).as(exit.describe()).isZero();
            }
        }
    }

    @Test
    void anAttachedAgentRegistersItsMBeanAtOnceAndCountsFromThen() throws Exception {
        Path work = Scratch.fresh("live-status-attach");
        Path store = work.resolve("store");
        Content model = Content.synthetic(7000, 5);
        try (FakeHub hub = new FakeHub()) {
            hub.model("org/m").lfs("model.pt", model);
            try (ChildJvm app = Djl.app(work, Djl.CURRENT, StatusProbe.class, work.toString(), URL).start()) {
                Poll.until(Duration.ofMinutes(1), "the application runs DJL without the agent",
                        () -> Files.exists(work.resolve("ready")) || !app.isAlive(), app::stderr);
                ChildJvm.Exit attach = ChildJvm.app(work, dev.modelredirect.it.apps.Attach.class.getName(),
                        String.valueOf(app.pid()), ChildJvm.agentJar().toString(),
                        "store=" + store + ",endpoint=" + hub.endpoint())
                        .classpath(java.util.List.of(Djl.testClasses())).run(Duration.ofMinutes(1));
                assertThat(attach.code()).as(attach.describe()).isZero();
                try (JMXConnector connector = connect(app.pid())) {
                    MBeanServerConnection jmx = connector.getMBeanServerConnection();
                    ObjectName name = new ObjectName("dev.modelredirect:type=ModelStore");
                    Poll.until(Duration.ofSeconds(30), "the MBean is registered", () -> registered(jmx, name),
                            app::stderr);
                    assertThat(jmx.getAttribute(name, "StoreOpen")).as("no hook has called yet").isEqualTo(false);
                    assertThat(jmx.getAttribute(name, "Hits")).isEqualTo(0L);
                    assertThat(jmx.getAttribute(name, "StorePath")).isEqualTo(store.toString());

                    Files.writeString(work.resolve("again"), "go\n");
                    Poll.until(Duration.ofSeconds(30), "the application has asked once more",
                            () -> Files.exists(work.resolve("done")) || !app.isAlive(), app::stderr);
                    assertThat(jmx.getAttribute(name, "Misses")).isEqualTo(1L);
                    assertThat(jmx.getAttribute(name, "BytesDownloaded")).isEqualTo(model.size());
                } finally {
                    Files.writeString(work.resolve("stop"), "stop\n");
                }
                ChildJvm.Exit exit = app.awaitExit(Duration.ofMinutes(1));
                assertThat(exit.code()).as(exit.describe()).isZero();
            }
        }
    }

    /** Starts the local JMX agent of a running JVM (a connector on loopback) through the Attach API. */
    private static JMXConnector connect(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        try {
            return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
            vm.detach();
        }
    }

    private static boolean registered(MBeanServerConnection jmx, ObjectName name) {
        try {
            return jmx.isRegistered(name);
        } catch (java.io.IOException ex) {
            return false;
        }
    }
}
