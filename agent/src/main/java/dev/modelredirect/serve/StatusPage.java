package dev.modelredirect.serve;

import dev.modelredirect.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code GET /}: a small HTML page for people (the models this server holds, their revisions, sizes and pins, hits
 * and misses since it started, and the commands a client machine runs to use it); {@code GET /api/status}: the same
 * as JSON for tools ({@link StatusReport}). Plain HTML and CSS, no script; every value from the store or the request
 * is HTML-escaped, so a name holding markup is shown as text.
 */
final class StatusPage implements Route {
    private final StatusReport report;
    private final LongSupplier requests;

    StatusPage(StatusReport report, LongSupplier requests) {
        this.report = report;
        this.requests = requests;
    }

    @Override
    public boolean answer(Call call) throws IOException, ServeError {
        List<String> segments = call.segments();
        boolean json = segments.size() == 2 && segments.get(0).equals("api") && segments.get(1).equals("status");
        if (!segments.isEmpty() && !json) {
            return false;
        }
        call.allow("GET", "HEAD");
        Map<String, Object> data = report.build(call.scheme() + "://" + call.host(), requests.getAsLong());
        call.responseHeaders().set("Cache-Control", "no-store");
        if (json) {
            call.sendJson(200, Json.write(data), null);
        } else {
            call.responseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
            call.responseHeaders().set("X-Content-Type-Options", "nosniff");
            call.send(200, "text/html; charset=utf-8", html(data).getBytes(StandardCharsets.UTF_8));
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    static String html(Map<String, Object> data) {
        StringBuilder page = new StringBuilder(4096);
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>model-redirect serve</title><style>"
                + "body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
                + "td.n{text-align:right}code,pre{background:#f4f4f4;padding:.1em .3em}</style></head><body>\n");
        page.append("<h1>model-redirect serve</h1>\n<p>Store <code>").append(escape(data.get("store")))
                .append("</code>, ").append(Boolean.TRUE.equals(data.get("pullThrough"))
                        ? "pull-through mirror: a miss is fetched once from upstream" : "read-only")
                .append(Boolean.TRUE.equals(data.get("tokens")) ? ", bearer token required" : "")
                .append(". Requests since start: <span id=\"requests\">").append(data.get("requests"))
                .append("</span>; file hits <span id=\"hits\">").append(data.get("hits"))
                .append("</span>, misses <span id=\"misses\">").append(data.get("misses"))
                .append("</span>. The same as JSON: <a href=\"/api/status\">/api/status</a>.</p>\n");
        page.append("<h2>Use this mirror</h2>\n<p>On a client machine:</p>\n<pre id=\"client\">");
        for (Object command : ((Map<String, Object>) data.get("client")).values()) {
            page.append(escape(command)).append('\n');
        }
        page.append("</pre>\n<h2>Models</h2>\n");
        List<Map<String, Object>> models = (List<Map<String, Object>>) data.get("models");
        if (models.isEmpty()) {
            page.append("<p id=\"empty\">The store holds no Hub repository yet.</p>\n");
        } else {
            page.append("<table id=\"models\"><tr><th>model</th><th>revisions</th><th>size</th><th>pins</th>"
                    + "<th>hits</th><th>misses</th></tr>\n");
            for (Map<String, Object> model : models) {
                page.append("<tr><td>").append(escape(model.get("source"))).append("</td><td>");
                for (Map.Entry<String, Object> ref : ((Map<String, Object>) model.get("revisions")).entrySet()) {
                    page.append(escape(ref.getKey())).append(" = <code>").append(escape(ref.getValue()))
                            .append("</code><br>");
                }
                page.append("</td><td class=\"n\">").append(size((Long) model.get("bytes"))).append("</td><td>");
                for (Object pin : (List<Object>) model.get("pins")) {
                    page.append(escape(pin)).append("<br>");
                }
                page.append("</td><td class=\"n\">").append(model.get("hits")).append("</td><td class=\"n\">")
                        .append(model.get("misses")).append("</td></tr>\n");
            }
            page.append("</table>\n");
        }
        page.append("</body></html>\n");
        return page.toString();
    }

    /** Text for HTML content or a quoted attribute: {@code & < > " '} escaped. */
    static String escape(Object value) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
