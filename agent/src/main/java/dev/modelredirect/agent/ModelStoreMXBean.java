package dev.modelredirect.agent;

/**
 * Live status of the agent's model store, registered as {@value #OBJECT_NAME} in the platform MBean server, so that
 * jconsole, VisualVM and JMX exporters read it. An MXBean: every attribute is a plain open type (numbers, strings,
 * string arrays, and an array of composite data for the last resolutions). Counts start at zero when the JVM starts.
 */
public interface ModelStoreMXBean {
    /** The name it is registered under. */
    String OBJECT_NAME = "dev.modelredirect:type=ModelStore";

    /** Sources answered from the store without a connection. */
    long getHits();

    /** Sources that needed a download (or completed one). */
    long getMisses();

    /** Resolutions that failed (offline or read-only miss, bad source, failed download). */
    long getFailures();

    /** Bytes downloaded into the store. */
    long getBytesDownloaded();

    /** The absolute store root. */
    String getStorePath();

    /** The lock file. */
    String getLockFile();

    /** The Hub endpoint. */
    String getEndpoint();

    /** Whether no connection is ever opened. */
    boolean isOffline();

    /** Whether a hook has opened the store yet (before that every count is zero). */
    boolean isStoreOpen();

    /** The hooks selected by the configuration. */
    String[] getHooks();

    /** The hooks installed so far: their library class was loaded and they fit it. */
    String[] getInstalledHooks();

    /** The last resolution of each source, most recent first (at most 256 sources). */
    ResolutionInfo[] getLastResolutions();
}
