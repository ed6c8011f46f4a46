package dev.modelredirect.agent;

import javax.management.ConstructorParameters;

/**
 * The last resolution of one source, as {@link ModelStoreMXBean#getLastResolutions()} shows it (a composite data item
 * to JMX clients).
 */
public final class ResolutionInfo {
    private final String source;
    private final String outcome;
    private final String path;
    private final long bytes;
    private final long millis;
    private final String time;
    private final String error;

    /**
     * @param source  the source as the application named it
     * @param outcome {@code hit}, {@code miss} or {@code failed}
     * @param path    the local path ({@code ""} when it failed)
     * @param bytes   bytes downloaded for it
     * @param millis  time it took
     * @param time    when it ended, ISO-8601 UTC
     * @param error   the error message ({@code ""} when it did not fail)
     */
    @ConstructorParameters({"source", "outcome", "path", "bytes", "millis", "time", "error"})
    public ResolutionInfo(String source, String outcome, String path, long bytes, long millis, String time,
            String error) {
        this.source = source;
        this.outcome = outcome;
        this.path = path;
        this.bytes = bytes;
        this.millis = millis;
        this.time = time;
        this.error = error;
    }

    public String getSource() {
        return source;
    }

    public String getOutcome() {
        return outcome;
    }

    public String getPath() {
        return path;
    }

    public long getBytes() {
        return bytes;
    }

    public long getMillis() {
        return millis;
    }

    public String getTime() {
        return time;
    }

    public String getError() {
        return error;
    }
}
