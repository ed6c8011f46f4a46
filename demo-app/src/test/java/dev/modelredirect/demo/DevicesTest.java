package dev.modelredirect.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the real ONNX Runtime engine of the build (CPU on CI, where no GPU is visible). */
class DevicesTest {
    private static Engine engine;
    private static String noGpu;

    @BeforeAll
    static void onnxRuntime() {
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
        engine = Engine.getEngine("OnnxRuntime");
        noGpu = Devices.whyNoGpu(engine);
    }

    @Test
    void requiringAGpuFailsWithTheReasonAndWhatToDoWhenNoneIsUsable() {
        if (noGpu == null) {
            assertThat(Devices.choose("gpu", engine).device()).isEqualTo(Device.gpu());
            return;
        }
        assertThatThrownBy(() -> Devices.choose("gpu", engine))
                .isInstanceOf(Devices.GpuUnavailableException.class)
                .hasMessageStartingWith("--device gpu, but " + noGpu)
                .hasMessageContaining("mvn -Dgpu package")
                .hasMessageContaining("--device auto or cpu");
    }

    @Test
    void autoTakesTheGpuWhenUsableAndOtherwiseTheCpuSayingWhy() {
        Devices.Choice auto = Devices.choose("auto", engine);
        if (noGpu == null) {
            assertThat(auto.device()).isEqualTo(Device.gpu());
        } else {
            assertThat(auto.device()).isEqualTo(Device.cpu());
            assertThat(auto.toString()).isEqualTo("cpu (OnnxRuntime " + engine.getVersion() + "; auto: " + noGpu
                    + ")");
        }
    }

    @Test
    void cpuIsAlwaysTheCpuAndAnUnknownDeviceIsAUsageError() {
        assertThat(Devices.choose("cpu", engine).device()).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> Devices.choose("tpu", engine)).isInstanceOf(UsageException.class)
                .hasMessage("--device must be auto, cpu or gpu, not 'tpu'");
    }
}
