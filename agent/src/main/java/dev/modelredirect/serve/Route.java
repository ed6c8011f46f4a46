package dev.modelredirect.serve;

import java.io.IOException;

/**
 * One kind of request the server answers (the Hub's resolve, its repository API, its tree API, the status page...).
 *
 * <p>{@link HubHandler} offers each request to its routes in order; the first that claims it answers it. A route
 * claims by path alone, then checks the method itself ({@link Call#allow}); a request no route claims is answered 404.
 * A new kind of request is one more class and one more line in {@link HubHandler#routes}.
 */
interface Route {
    /**
     * Answers {@code call} and returns true, or returns false, having sent nothing, when its path is not this route's.
     *
     * @throws ServeError a refusal, sent by the handler as the Hub sends it
     * @throws IOException the client went away
     */
    boolean answer(Call call) throws IOException, ServeError;
}
