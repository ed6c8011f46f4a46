package dev.modelredirect.demo;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Picks the device a DJL engine runs on: {@code auto} takes a CUDA GPU when the engine can use one and the CPU
 * otherwise, {@code cpu} the CPU, {@code gpu} a CUDA GPU or a {@link GpuUnavailableException} saying why there is none.
 * An engine can use a GPU when one is visible (the CUDA runtime finds a device) and its native build has CUDA support
 * (for ONNX Runtime: the {@code onnxruntime_gpu} build).
 */
public final class Devices {
    private Devices() {
    }

    /** The device chosen for {@code engine}, and why, as the demo prints it. */
    public record Choice(Device device, String engine, String reason) {
        @Override
        public String toString() {
            return (device.isGpu() ? "gpu" : "cpu") + " (" + engine + "; " + reason + ")";
        }
    }

    /** Thrown when a GPU is required and the engine cannot use one; the message says why and what to do. */
    public static final class GpuUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GpuUnavailableException(String message) {
            super(message);
        }
    }

    /**
     * The device for {@code wanted}: {@code auto}, {@code cpu} or {@code gpu}.
     *
     * @throws GpuUnavailableException  if {@code gpu} is wanted and the engine cannot use one
     * @throws UsageException          if {@code wanted} is none of the three
     */
    public static Choice choose(String wanted, Engine engine) {
        String name = engine.getEngineName() + " " + engine.getVersion();
        switch (wanted) {
            case "cpu":
                return new Choice(Device.cpu(), name, "--device cpu");
            case "gpu": {
                String missing = whyNoGpu(engine);
                if (missing != null) {
                    throw new GpuUnavailableException("--device gpu, but " + missing + "; install the NVIDIA driver "
                            + "and CUDA libraries and build the demo with `mvn -Dgpu package`, or run with --device "
                            + "auto or cpu");
                }
                return new Choice(Device.gpu(), name, "--device gpu");
            }
            case "auto": {
                String missing = whyNoGpu(engine);
                return missing == null ? new Choice(Device.gpu(), name, "auto: CUDA GPU found")
                        : new Choice(Device.cpu(), name, "auto: " + missing);
            }
            default:
                throw new UsageException("--device must be auto, cpu or gpu, not '" + wanted + "'");
        }
    }

    /** Why {@code engine} cannot run on a GPU here, or null if it can. */
    static String whyNoGpu(Engine engine) {
        if (engine.getGpuCount() == 0) {
            return "no CUDA GPU is visible to " + engine.getEngineName() + " (no NVIDIA driver or CUDA runtime found)";
        }
        if (!engine.hasCapability("CUDA")) {
            return "the " + engine.getEngineName() + " " + engine.getVersion()
                    + " build on the class path has no CUDA support";
        }
        return null;
    }
}
