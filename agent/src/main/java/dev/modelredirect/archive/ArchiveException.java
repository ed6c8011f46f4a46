package dev.modelredirect.archive;

import java.io.IOException;

/** An archive that cannot be unpacked safely or at all; nothing of it was made visible. */
public final class ArchiveException extends IOException {
    private static final long serialVersionUID = 1L;

    public ArchiveException(String message) {
        super(message);
    }

    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
