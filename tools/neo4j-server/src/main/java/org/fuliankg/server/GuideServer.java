package org.fuliankg.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves the files of one folder (the Neo4j Browser guide and the style) on 127.0.0.1, read-only.
 *
 * <p>Neo4j Browser fetches a guide ({@code :play URL}) and a style ({@code :style URL}) with
 * cross-origin requests from its own page, so each answer allows the Browser's origins
 * (http://127.0.0.1:HTTP_PORT and http://localhost:HTTP_PORT) and no other. Only GET, HEAD and
 * OPTIONS are answered; a path that leaves the folder or names no regular file is a 404.
 */
final class GuideServer {

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "md", "text/markdown; charset=utf-8",
            "grass", "text/plain; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "txt", "text/plain; charset=utf-8");

    private final HttpServer server;

    private GuideServer(HttpServer server) {
        this.server = server;
    }

    /** Starts serving {@code dir} on 127.0.0.1:{@code port} (0: any free port). */
    static GuideServer start(Path dir, int port, List<String> origins) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        http.createContext("/", exchange -> {
            try {
                answer(exchange, root, origins);
            } finally {
                exchange.close();
            }
        });
        http.start();
        return new GuideServer(http);
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String file) {
        return "http://127.0.0.1:" + port() + "/" + file;
    }

    private static void answer(HttpExchange exchange, Path root, List<String> origins) throws IOException {
        Headers out = exchange.getResponseHeaders();
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin != null && origins.contains(origin)) {
            out.set("Access-Control-Allow-Origin", origin);
            out.set("Access-Control-Allow-Headers", "pragma, cache-control");
            out.set("Vary", "Origin");
        }
        out.set("X-Content-Type-Options", "nosniff");
        out.set("Cache-Control", "no-cache");
        String method = exchange.getRequestMethod();
        if ("OPTIONS".equals(method)) {
            out.set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            exchange.sendResponseHeaders(405, -1);
            return;
        }
        Path file = resolve(root, exchange.getRequestURI());
        if (file == null) {
            byte[] body = "not found\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, "HEAD".equals(method) ? -1 : body.length);
            if (!"HEAD".equals(method)) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            }
            return;
        }
        byte[] body = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        out.set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
        exchange.sendResponseHeaders(200, "HEAD".equals(method) ? -1 : body.length);
        if (!"HEAD".equals(method)) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    /** The regular file under {@code root} the request names, or null. */
    static Path resolve(Path root, URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return null;
        }
        Path file = root.resolve(path.substring(1)).normalize();
        try {
            if (!file.startsWith(root) || !Files.isRegularFile(file)
                    || !file.toRealPath().startsWith(root.toRealPath())) {
                return null;  // outside the folder (also through a link), or not a file
            }
        } catch (IOException e) {
            return null;
        }
        return file;
    }
}
