package dev.modelredirect.files;

import java.io.IOException;

/** A path from outside (a server, an archive, the user) that would lead outside its folder; nothing was written. */
public final class UnsafePathException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnsafePathException(String message) {
        super(message);
    }
}
