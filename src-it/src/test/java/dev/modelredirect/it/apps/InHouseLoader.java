package dev.modelredirect.it.apps;

import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.security.MessageDigest;

/**
 * {@code InHouseLoader LOCATION}: an application's own model loader, as a hook file names it: {@code load(String)}
 * opens its argument as a URL ({@code openStream}), {@code loadUrl(URL)} likewise; both print
 * {@code opened TAB <the URL opened>} and {@code sha256 TAB <hex of the bytes>}.
 */
public final class InHouseLoader {
    private InHouseLoader() {
    }

    public static void main(String[] args) throws Exception {
        load(args[0]);
        loadUrl(URI.create(args[0]).toURL());
    }

    static void load(String location) throws Exception {
        read(URI.create(location).toURL());
    }

    static void loadUrl(URL location) throws Exception {
        read(location);
    }

    private static void read(URL url) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (InputStream in = url.openStream()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : sha256.digest()) {
            hex.append(String.format("%02x", b));
        }
        System.out.println("opened\t" + url);
        System.out.println("sha256\t" + hex);
    }
}
