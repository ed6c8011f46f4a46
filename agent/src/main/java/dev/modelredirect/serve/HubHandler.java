package dev.modelredirect.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every request of a {@link HubServer}: checks the bearer token (when the server has {@link AccessTokens}), offers the
 * request to each {@link Route} in order, turns a {@link ServeError} into the Hub's refusal and anything unexpected
 * into a 500, and writes one log line per request (method, path, status, bytes, milliseconds; never a header, so
 * never a token).
 *
 * <pre>
 * GET      /  and  /api/status                                   status page (HTML), the same as JSON
 * HEAD|GET /[datasets/]ORG/NAME/resolve/REV/PATH                 file bytes, Range, Hub headers (raw/ alike)
 * HEAD|GET /model/APP/GROUP/ARTIFACT/...                         the DJL model repository layout of the store
 * GET      /api/(models|datasets)/ORG/NAME[/revision/REV]         repository info: id, sha, siblings
 * GET      /api/(models|datasets)/ORG/NAME/tree/REV[/PATH]        file list, ?recursive=true, paged by Link
 * POST     /api/(models|datasets)/ORG/NAME/paths-info/REV         {"paths":[...],"expand":true} or a form
 * </pre>
 */
final class HubHandler implements HttpHandler {
    private final List<Route> routes;
    private final AccessTokens tokens;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();

    /** @param tokens the accepted bearer tokens, or null to answer everyone */
    HubHandler(List<Route> routes, AccessTokens tokens) {
        this.routes = List.copyOf(routes);
        this.tokens = tokens;
    }

    /** The routes of a Hub mirror over {@code lookup}, in the order they are tried; one line per kind of request. */
    static List<Route> routes(StoreLookup lookup, int pageSize, StatusPage status, DjlRepositoryRoute zoo) {
        return List.of(
                new ResolveRoute(lookup),
                zoo,
                new RepoInfoRoute(lookup),
                new TreeRoute(lookup, pageSize),
                status);
    }

    long requests() {
        return requests.get();
    }

    /** Exchanges being answered now. */
    int active() {
        return active.get();
    }

    @Override
    public void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        requests.incrementAndGet();
        active.incrementAndGet();
        Call call = null;
        try {
            try {
                if (tokens != null && !tokens.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    call = new Call(exchange, List.of());
                    call.responseHeaders().set("WWW-Authenticate", "Bearer realm=\"model-redirect\"");
                    throw new ServeError(401, null, "a bearer token of this server is needed: send "
                            + "'Authorization: Bearer TOKEN' (HF_TOKEN or the token key of model-redirect)", null);
                }
                call = new Call(exchange, RequestPaths.segments(exchange.getRequestURI().getRawPath()));
                dispatch(call);
            } catch (ServeError error) {
                if (call == null) {
                    call = new Call(exchange, List.of());
                }
                call.sendError(error);
            } catch (RuntimeException ex) {
                Log.warn("serve: %s %s failed: %s", exchange.getRequestMethod(),
                        Call.printable(exchange.getRequestURI().getRawPath()), ex);
                call = call == null ? new Call(exchange, List.of()) : call;
                call.sendError(new ServeError(500, null, "internal error: " + ex, null));
            }
        } catch (IOException clientGone) {
            // the client closed the connection; the log line says how far it got
            if (call != null && call.status == 0) {
                call.status = 499;
            }
        } finally {
            exchange.close();
            active.decrementAndGet();
            if (Log.level() != Log.Level.QUIET) {
                Log.info("serve: %s %s %d %d B %d ms", exchange.getRequestMethod(),
                        Call.printable(exchange.getRequestURI().getRawPath()), call == null ? 499 : call.status,
                        call == null ? 0 : call.bytes, (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    private void dispatch(Call call) throws IOException, ServeError {
        for (Route route : routes) {
            if (route.answer(call)) {
                return;
            }
        }
        throw notFound(call.segments());
    }

    /** The 404 for a path no route claims, saying what this server answers. */
    private static ServeError notFound(List<String> segments) {
        if (!segments.isEmpty() && segments.get(0).equals("api")) {
            if (!RequestPaths.isRepoApi(segments)) {
                return ServeError.notFound("not found; the API answers /api/models/ORG/NAME/(revision|tree|"
                        + "paths-info)/REV and the same under /api/datasets/");
            }
            if (segments.size() < 6) {
                return ServeError.notFound("not found: a revision is needed after /" + segments.get(4));
            }
            return ServeError.notFound("not found: unknown API '" + segments.get(4) + "'");
        }
        return ServeError.notFound("not found; this server answers the Hub's resolve (and raw), revision, tree "
                + "and paths-info requests, DJL repository files under /model/, and / (its status page)");
    }
}
