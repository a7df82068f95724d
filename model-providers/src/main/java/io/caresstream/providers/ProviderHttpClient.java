package io.caresstream.providers;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP client under every LangChain4j provider model: an error answer keeps what the retry policy needs, its
 * status and Retry-After header ({@link StatusException}), which LangChain4j's own exceptions drop, and a provider's
 * safety block is recognised in its raw answer ({@link ProviderBlocks}) before the SDK maps away its reason.
 * Provider SDKs only ask it for plain request/response calls; we never stream.
 * <p>
 * It is the JDK's blocking {@link HttpURLConnection}, not its asynchronous {@code HttpClient}: the calling thread
 * writes the request and reads the answer itself, where the asynchronous client hands both to its selector thread
 * and back. Against the simulated server, 32 callers on C1, that was 0.05-0.08 against 0.15-0.19 ms of CPU a call,
 * and one thread wake-up less per answer; end to end the invoker and the judge spent a fifth less
 * (docs/performance.md).
 */
final class ProviderHttpClient implements HttpClient {

    /** An HTTP error answer from a provider, with the wait it asked for, if any. */
    static final class StatusException extends HttpException {
        private final Optional<Duration> retryAfter;

        StatusException(int status, String body, Optional<Duration> retryAfter) {
            super(status, body);
            this.retryAfter = retryAfter;
        }

        Optional<Duration> retryAfter() {
            return retryAfter;
        }
    }

    /** Builds the client of one provider with LangChain4j's timeouts. */
    static class Builder implements HttpClientBuilder {
        final String provider;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);

        Builder(String provider) {
            this.provider = provider;
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            if (timeout != null) {
                connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            if (timeout != null) {
                readTimeout = timeout;
            }
            return this;
        }

        @Override
        public HttpClient build() {
            return new ProviderHttpClient(provider, connectTimeout, readTimeout);
        }
    }

    static {
        // Read once, when the JDK's HTTP classes first load, so set before the first request (as the rehearsal at
        // start makes it).
        // A POST whose kept-alive connection drops before the answer is not sent again by the JDK behind our retry
        // policy: the provider may have done, and billed, the first. (Streaming the body would also stop it, but
        // then the JDK probes each reused connection with a read that waits 1 ms and throws: a tenth of a call
        // thread's CPU in the end-to-end benchmark.)
        System.setProperty("sun.net.http.retryPost", "false");
        // Idle connections kept per server: the JDK keeps 5 by default and closes the rest after each answer, so
        // 32 calls in flight would open a new connection for most calls.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "1024");
        }
    }

    private final String provider;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;

    private ProviderHttpClient(String provider, Duration connectTimeout, Duration readTimeout) {
        this.provider = provider;
        this.connectTimeoutMs = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.readTimeoutMs = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    }

    /**
     * An address, its parsed URL (immutable, so calls on any thread share it), and {@link Proxy#NO_PROXY} when its
     * calls go straight to it, else null ({@link #proxyFor}).
     */
    private record Endpoint(String address, URL url, Proxy proxy) {

        HttpURLConnection open() throws IOException {
            return (HttpURLConnection) (proxy == null ? url.openConnection() : url.openConnection(proxy));
        }
    }

    private volatile Endpoint lastEndpoint;

    /** A provider's answer as it came. */
    private record Answer(int status, String contentType, String retryAfter, byte[] body) {
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        byte[] body = request.body() == null ? null : request.body().getBytes(StandardCharsets.UTF_8);
        Answer answer;
        try {
            answer = send(request, body);
        } catch (IOException e) {
            // Timeouts and refused connections, as LangChain4j's own client reports them.
            throw new RuntimeException(e);
        }
        String text = new String(answer.body(), StandardCharsets.UTF_8);
        if (answer.status() / 100 != 2) {
            ProviderBlocks.inError(provider, answer.status(), text).ifPresent(block -> {
                throw new ProviderBlocks.BlockedAnswer(block);
            });
            throw new StatusException(answer.status(), text, Optional.ofNullable(answer.retryAfter())
                    .flatMap(ProviderHttpClient::retryAfter));
        }
        ProviderBlocks.inAnswer(provider, text).ifPresent(block -> {
            throw new ProviderBlocks.BlockedAnswer(block);
        });
        return SuccessfulHttpResponse.builder().statusCode(answer.status())
                .headers(headersForTheSdk(answer.contentType()))
                .body(answer.body()).build();
    }

    /**
     * The provider SDKs read one header of an answer, its content type, and only for the charset of its body: UTF-8
     * unless the type names another. Handing them every header cost three copies of the lot per call (the JDK's,
     * ours, LangChain4j's); a type that names no charset is not handed over either, since LangChain4j looks the
     * header up through a stream and then splits it, on every call (docs/performance.md).
     */
    static Map<String, List<String>> headersForTheSdk(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("charset=")
                ? Map.of("Content-Type", List.of(contentType)) : Map.of();
    }

    /** One exchange, on a connection kept from an earlier call when there is one. */
    private Answer send(HttpRequest request, byte[] body) throws IOException {
        HttpURLConnection connection = endpoint(request.url()).open();
        connection.setConnectTimeout(connectTimeoutMs);
        connection.setReadTimeout(readTimeoutMs);
        connection.setInstanceFollowRedirects(false);
        connection.setRequestMethod(request.method().name());
        request.headers().forEach((name, values) -> {
            // The connection sets these itself.
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")) {
                values.forEach(value -> connection.addRequestProperty(name, value));
            }
        });
        if (connection.getRequestProperty("Accept") == null) {
            // Not the JDK's default, a list of image types.
            connection.setRequestProperty("Accept", "application/json");
        }
        connection.setDoOutput(body != null);
        try {
            connection.connect();
        } catch (SocketTimeoutException e) {
            throw new ConnectException("no connection to " + connection.getURL().getHost() + ":"
                    + connection.getURL().getPort() + " within " + connectTimeoutMs + " ms");
        }
        try {
            if (body != null) {
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            // Headers are looked up by any case.
            String contentType = connection.getHeaderField("Content-Type");
            String retryAfter = status / 100 == 2 ? null : connection.getHeaderField("Retry-After");
            // Read to the end, so that the connection is kept for the next call.
            InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            // No stream: an answer without a body.
            byte[] answered = new byte[0];
            if (in != null) {
                try (in) {
                    answered = in.readAllBytes();
                }
            }
            return new Answer(status, contentType, retryAfter, answered);
        } catch (IOException | RuntimeException e) {
            connection.disconnect();
            throw e;
        }
    }

    /**
     * The request's endpoint, parsed and its proxy chosen once: a client calls one provider's endpoint over and over.
     * Parsing its address twice per call (as a URI, then as a URL) was 3% of a call thread's CPU at 0 ms, and the
     * JDK's choice of a proxy on every connection (the URL parsed into a URI again, then the selector) another 2-3%
     * where no proxy is set (docs/performance.md).
     */
    private Endpoint endpoint(String address) throws MalformedURLException {
        Endpoint known = lastEndpoint;
        if (known != null && known.address().equals(address)) {
            return known;
        }
        URI uri = URI.create(address);
        Endpoint endpoint = new Endpoint(address, uri.toURL(), proxyFor(uri));
        lastEndpoint = endpoint;
        return endpoint;
    }

    /**
     * {@link Proxy#NO_PROXY} when the system's selector sends the endpoint's calls straight to it (no proxy set, or
     * the endpoint among {@code http.nonProxyHosts}); otherwise null, and each connection asks the selector as
     * before, with the JDK's own handling of a proxy that fails.
     */
    static Proxy proxyFor(URI uri) {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) {
            return Proxy.NO_PROXY;
        }
        List<Proxy> proxies = selector.select(uri);
        return proxies != null && proxies.size() == 1 && proxies.get(0).type() == Proxy.Type.DIRECT
                ? Proxy.NO_PROXY : null;
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("CARES Stream calls models without streaming");
    }

    /** Retry-After in seconds or as an HTTP date. */
    static Optional<Duration> retryAfter(String value) {
        String text = value.trim();
        try {
            return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000)));
        } catch (NumberFormatException e) {
            try {
                Duration wait = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException unparsable) {
                return Optional.empty();
            }
        }
    }
}
