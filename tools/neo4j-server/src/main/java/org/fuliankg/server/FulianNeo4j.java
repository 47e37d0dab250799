package org.fuliankg.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.connectioninfo.ClientConnectionInfo;
import org.neo4j.internal.kernel.api.security.LoginContext;
import org.neo4j.kernel.api.security.AuthManager;
import org.neo4j.kernel.api.security.AuthToken;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.server.CommunityBootstrapper;

/**
 * Starts a local Neo4j Community server (Bolt + HTTP + Browser, APOC core) from
 * the jars that Maven copied into {@code target/lib}.
 *
 * <pre>
 * java -Xmx1g --add-opens=java.base/java.nio=ALL-UNNAMED \
 *      --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
 *      -cp target/classes:target/lib/* org.fuliankg.server.FulianNeo4j \
 *      --home DIR [--bolt-port 7687] [--http-port 7474] [--plugins-dir DIR]
 *      [--password-file FILE] [--guide-dir DIR [--guide-port 0]] [--conf key=value ...]
 * </pre>
 *
 * Environment fallbacks: FULIAN_NEO4J_HOME, FULIAN_NEO4J_BOLT_PORT, FULIAN_NEO4J_HTTP_PORT,
 * FULIAN_NEO4J_PLUGINS_DIR, FULIAN_NEO4J_PASSWORD_FILE, NEO4J_PASSWORD. The password is
 * never taken from the command line (it would be visible in /proc/PID/cmdline).
 *
 * <p>The server listens on 127.0.0.1 only and always has authentication enabled. After the
 * DBMS is up, the password of the {@code neo4j} user is set to the given value (on the
 * system database); on later starts with the same password this is a no-op (checked by a login,
 * without Cypher). The given password is authoritative: a password changed in the Browser is
 * reset to it on the next start. When that is
 * done, a line starting with {@link #READY_MARKER} is printed on stdout, so a supervising
 * process knows it can log in without tripping the failed-login rate limit. Then a self-check
 * line reports {@code apoc.version()} and whether the {@code cjk} full-text analyzer exists.
 *
 * <p>With {@code --guide-dir}, the folder's files are served on 127.0.0.1 ({@code --guide-port},
 * 0: any free port; see {@link GuideServer}), Neo4j Browser may fetch from 127.0.0.1 and
 * localhost, and on connecting it applies {@value #GUIDE_STYLE} and plays {@value #GUIDE_FILE}
 * from there; the ready line ends with {@code guide=URL}.
 *
 * <p>SIGTERM / SIGINT stop the server cleanly: {@link CommunityBootstrapper} installs the
 * signal handlers and a JVM shutdown hook that shuts the DBMS down (checkpoint, pid file).
 */
public final class FulianNeo4j {

    /** Printed on stdout once the server is up and the password is in place. */
    public static final String READY_MARKER = "FULIAN_NEO4J_READY";

    private static final String LISTEN_ADDRESS = "127.0.0.1";

    /** The guide and the style in the guide folder. */
    static final String GUIDE_FILE = "guide.html";
    static final String GUIDE_STYLE = "style.grass";

    /** Settings --conf may not change: the server stays on loopback with auth enabled. */
    static final Set<String> PROTECTED_SETTINGS = Set.of(
            "dbms.security.auth_enabled",
            "server.default_listen_address",
            "server.bolt.listen_address",
            "server.http.listen_address",
            "server.https.listen_address",
            "server.https.enabled",
            "server.bolt.enabled",
            "server.http.enabled");

    private FulianNeo4j() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (UsageException e) {
            System.err.println("fulian-neo4j: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("fulian-neo4j: failed to start: " + e);
            e.printStackTrace(System.err);
            code = 1;
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    private static int run(String[] args) throws Exception {
        Options opts = Options.parse(args);
        String pw = opts.readPassword();

        Path home = opts.home.toAbsolutePath().normalize();
        Files.createDirectories(home);
        Path plugins = opts.pluginsDir.toAbsolutePath().normalize();
        Files.createDirectories(plugins);

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.default_listen_address", LISTEN_ADDRESS);
        settings.put("server.default_advertised_address", LISTEN_ADDRESS);
        settings.put("server.bolt.enabled", "true");
        settings.put("server.bolt.listen_address", ":" + opts.boltPort);
        settings.put("server.bolt.advertised_address", ":" + opts.boltPort);
        settings.put("server.http.enabled", "true");
        settings.put("server.http.listen_address", ":" + opts.httpPort);
        settings.put("server.http.advertised_address", ":" + opts.httpPort);
        settings.put("server.https.enabled", "false");
        settings.put("server.memory.pagecache.size", "512m");
        settings.put("dbms.usage_report.enabled", "false");
        settings.put("client.allow_telemetry", "false"); // Browser sends no usage data (and works offline)
        settings.put("server.directories.data", home.resolve("data").toString());
        settings.put("server.directories.logs", home.resolve("logs").toString());
        settings.put("server.directories.run", home.resolve("run").toString());
        settings.put("server.directories.import", home.resolve("import").toString());
        settings.put("server.directories.plugins", plugins.toString());
        settings.put("dbms.security.procedures.unrestricted", "apoc.*");
        // The user log (neo4j.log) goes to stdout only; the supervisor redirects stdout and
        // stderr to logs/neo4j.log, so launcher messages and JVM errors land in the same file
        // (Neo4j's default config would also write that file itself, doubling every line).
        settings.put("server.logs.user.config", writeConsoleLogConfig(home).toString());
        // Netty's default graceful-shutdown quiet period (5 s, twice) makes Bolt take ~10 s to stop.
        settings.put("internal.dbms.bolt.netty_server_shutdown_quiet_period", "1");
        GuideServer guide = null;
        if (opts.guideDir != null) {
            guide = GuideServer.start(opts.guideDir, opts.guidePort,
                    List.of("http://127.0.0.1:" + opts.httpPort, "http://localhost:" + opts.httpPort));
            settings.put("browser.remote_content_hostname_whitelist", "127.0.0.1,localhost");
            settings.put("browser.post_connect_cmd",
                    "style " + guide.url(GUIDE_STYLE) + "; play " + guide.url(GUIDE_FILE));
        }
        settings.putAll(opts.extraConf); // PROTECTED_SETTINGS were refused when parsing
        settings.put("dbms.security.auth_enabled", "true");

        PrintStream out = System.out;
        out.println("fulian-neo4j: home=" + home + " bolt=" + LISTEN_ADDRESS + ":" + opts.boltPort
                + " http=" + LISTEN_ADDRESS + ":" + opts.httpPort + " plugins=" + plugins);
        out.flush();

        long t0 = System.nanoTime();
        CommunityBootstrapper bootstrapper = new CommunityBootstrapper();
        // start() installs Neo4j's SIGTERM/SIGINT handlers and its JVM shutdown hook, which
        // shut the DBMS down cleanly. An optional HOME/conf/neo4j.conf is read first; the
        // settings above override it. Console mode (last argument false): the user log
        // goes to stdout, which the supervisor redirects to logs/neo4j.log.
        int status = bootstrapper.start(home, home.resolve("conf").resolve("neo4j.conf"), settings, false, false);
        if (status != 0) {
            System.err.println("fulian-neo4j: Neo4j failed to start (status " + status + ")");
            return status;
        }
        DatabaseManagementService dbms = bootstrapper.getDatabaseManagementService();
        if (dbms == null) {
            System.err.println("fulian-neo4j: Neo4j did not report a running DBMS");
            return 1;
        }
        syncPassword(dbms, pw);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        out.println(READY_MARKER + " startup_ms=" + ms + " bolt=bolt://" + LISTEN_ADDRESS + ":" + opts.boltPort
                + " browser=http://" + LISTEN_ADDRESS + ":" + opts.httpPort + "/browser/"
                + (guide != null ? " guide=" + guide.url(GUIDE_FILE) : ""));
        out.flush();
        // Diagnostic only, after the ready line: the first Cypher queries of a cold JVM take
        // seconds, and clients need not wait for them.
        selfCheck(dbms, out);

        // Keep the main thread parked; the signal handler calls System.exit(), which runs
        // Neo4j's shutdown hook (clean DBMS shutdown) and ends the JVM.
        new CountDownLatch(1).await();
        return 0;
    }

    /** Writes HOME/conf/fulian-user-logs.xml: Neo4j's user log to stdout only. */
    static Path writeConsoleLogConfig(Path home) throws IOException {
        Path conf = home.resolve("conf");
        Files.createDirectories(conf);
        Path file = conf.resolve("fulian-user-logs.xml");
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by org.fuliankg.server.FulianNeo4j on every start; edits are lost. -->
                <Configuration packages="org.neo4j.logging.log4j">
                    <Appenders>
                        <Console name="ConsoleAppender" target="SYSTEM_OUT">
                            <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m%n"/>
                        </Console>
                    </Appenders>
                    <Loggers>
                        <Root level="info">
                            <AppenderRef ref="ConsoleAppender"/>
                        </Root>
                    </Loggers>
                </Configuration>
                """;
        if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(xml)) {
            Files.writeString(file, xml, StandardCharsets.UTF_8);
        }
        return file;
    }

    /**
     * Makes {@code pw} the password of user {@code neo4j}, without a forced change.
     *
     * <p>First a login is tried through Neo4j's AuthManager (no Cypher, so it costs nothing on
     * later starts, when the password is already in place). Only when that does not succeed
     * (first start: the user still has the default password) is the password set with
     * {@code ALTER USER} on the system database.
     */
    static void syncPassword(DatabaseManagementService dbms, String pw) {
        long t0 = System.nanoTime();
        String check = loginResult(dbms, pw);
        if ("SUCCESS".equals(check)) {
            System.out.println("fulian-neo4j: password of user 'neo4j' already set (" + msSince(t0) + " ms)");
            System.out.flush();
            return;
        }
        GraphDatabaseService system = dbms.database("system");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", pw));
            System.out.println("fulian-neo4j: password of user 'neo4j' set (" + msSince(t0) + " ms)");
        } catch (RuntimeException e) {
            String msg = fullMessage(e);
            if (msg.contains("cannot be the same")) {
                // Already this password; make sure no forced change is pending.
                system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
                System.out.println("fulian-neo4j: password of user 'neo4j' unchanged (" + msSince(t0) + " ms)");
            } else {
                System.err.println("fulian-neo4j: WARNING: could not set the password of user 'neo4j': " + msg);
            }
        }
        System.out.flush();
    }

    /** SUCCESS, PASSWORD_CHANGE_REQUIRED, FAILURE, ... for neo4j/pw, or UNKNOWN on any problem. */
    static String loginResult(DatabaseManagementService dbms, String pw) {
        try {
            GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database("system");
            AuthManager auth = system.getDependencyResolver().resolveDependency(AuthManager.class);
            LoginContext ctx = auth.login(AuthToken.newBasicAuthToken("neo4j", pw),
                    ClientConnectionInfo.EMBEDDED_CONNECTION);
            return String.valueOf(ctx.subject().getAuthenticationResult());
        } catch (Exception | LinkageError e) {
            return "UNKNOWN";
        }
    }

    private static long msSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Logs whether APOC and the CJK full-text analyzer are available. */
    static void selfCheck(DatabaseManagementService dbms, PrintStream out) {
        GraphDatabaseService db = dbms.database("neo4j");
        String apoc;
        try (Transaction tx = db.beginTx(); Result r = tx.execute("RETURN apoc.version() AS v")) {
            apoc = String.valueOf(r.next().get("v"));
        } catch (RuntimeException e) {
            apoc = "MISSING (" + firstLine(fullMessage(e)) + ")";
        }
        boolean cjk = false;
        try (Transaction tx = db.beginTx();
                Result r = tx.execute("CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer "
                        + "RETURN collect(analyzer) AS names")) {
            Object names = r.next().get("names");
            cjk = names instanceof List<?> l && l.contains("cjk");
        } catch (RuntimeException e) {
            out.println("fulian-neo4j: WARNING: listing analyzers failed: " + firstLine(fullMessage(e)));
        }
        out.println("fulian-neo4j: self-check apoc=" + apoc + " cjk_analyzer=" + cjk);
        if (apoc.startsWith("MISSING") || !cjk) {
            out.println("fulian-neo4j: WARNING: self-check incomplete (see above)");
        }
        out.flush();
    }

    private static String fullMessage(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    static final class UsageException extends Exception {
        UsageException(String msg) {
            super(msg);
        }
    }

    /** Command line / environment options. */
    static final class Options {
        Path home;
        Path pluginsDir;
        Path passwordFile;
        Path guideDir;
        int guidePort;
        int boltPort;
        int httpPort;
        final Map<String, String> extraConf = new LinkedHashMap<>();

        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            String home = System.getenv("FULIAN_NEO4J_HOME");
            String bolt = envOr("FULIAN_NEO4J_BOLT_PORT", "7687");
            String http = envOr("FULIAN_NEO4J_HTTP_PORT", "7474");
            String plugins = System.getenv("FULIAN_NEO4J_PLUGINS_DIR");
            String pwFile = System.getenv("FULIAN_NEO4J_PASSWORD_FILE");
            String guideDir = null;
            String guidePort = "0";
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String a = rest.remove(0);
                String key = a;
                String val = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    key = a.substring(0, eq);
                    val = a.substring(eq + 1);
                }
                switch (key) {
                    case "-h", "--help" -> throw new UsageException(
                            "usage: FulianNeo4j --home DIR [--bolt-port N] [--http-port N] "
                                    + "[--plugins-dir DIR] [--password-file FILE] [--guide-dir DIR [--guide-port N]] "
                                    + "[--conf key=value]...");
                    case "--home" -> home = val != null ? val : take(rest, key);
                    case "--bolt-port" -> bolt = val != null ? val : take(rest, key);
                    case "--http-port" -> http = val != null ? val : take(rest, key);
                    case "--plugins-dir" -> plugins = val != null ? val : take(rest, key);
                    case "--password-file" -> pwFile = val != null ? val : take(rest, key);
                    case "--guide-dir" -> guideDir = val != null ? val : take(rest, key);
                    case "--guide-port" -> guidePort = val != null ? val : take(rest, key);
                    case "--conf" -> {
                        String kv = val != null ? val : take(rest, key);
                        int i = kv.indexOf('=');
                        if (i <= 0) {
                            throw new UsageException("--conf expects key=value, got: " + kv);
                        }
                        String k = kv.substring(0, i).trim();
                        if (PROTECTED_SETTINGS.contains(k)) {
                            throw new UsageException(k + " is fixed by the launcher (loopback only, auth on)");
                        }
                        o.extraConf.put(k, kv.substring(i + 1).trim());
                    }
                    case "--password" -> throw new UsageException(
                            "--password is not accepted (visible to other users); use --password-file or NEO4J_PASSWORD");
                    default -> throw new UsageException("unknown argument: " + a);
                }
            }
            if (home == null || home.isBlank()) {
                throw new UsageException("--home DIR (or FULIAN_NEO4J_HOME) is required");
            }
            o.home = Path.of(home);
            o.pluginsDir = plugins != null && !plugins.isBlank() ? Path.of(plugins) : o.home.resolve("plugins");
            o.passwordFile = pwFile != null && !pwFile.isBlank() ? Path.of(pwFile) : null;
            o.boltPort = port(bolt, "bolt");
            o.httpPort = port(http, "http");
            o.guideDir = guideDir != null && !guideDir.isBlank() ? Path.of(guideDir) : null;
            o.guidePort = "0".equals(guidePort.trim()) ? 0 : port(guidePort, "guide");
            if (o.boltPort == o.httpPort) {
                throw new UsageException("bolt and http ports must differ");
            }
            return o;
        }

        /** Password: --password-file, else NEO4J_PASSWORD, else HOME/password. */
        String readPassword() throws UsageException, IOException {
            Path file = passwordFile;
            if (file == null) {
                String env = System.getenv("NEO4J_PASSWORD");
                if (env != null && !env.isEmpty()) {
                    return checkPassword(env, "NEO4J_PASSWORD");
                }
                file = home.resolve("password");
            }
            if (!Files.isRegularFile(file)) {
                throw new UsageException("no password: give --password-file FILE, set NEO4J_PASSWORD, or create "
                        + file);
            }
            String pw = Files.readString(file, StandardCharsets.UTF_8).strip();
            return checkPassword(pw, file.toString());
        }

        private static String checkPassword(String pw, String source) throws UsageException {
            if (pw.codePointCount(0, pw.length()) < 8) {
                throw new UsageException("the password from " + source
                        + " is shorter than 8 characters (Neo4j's minimum)");
            }
            return pw;
        }

        private static String envOr(String name, String dflt) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? dflt : v.trim();
        }

        private static String take(List<String> rest, String key) throws UsageException {
            if (rest.isEmpty()) {
                throw new UsageException(key + " needs a value");
            }
            return rest.remove(0);
        }

        private static int port(String s, String what) throws UsageException {
            try {
                int p = Integer.parseInt(s.trim());
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
                return p;
            } catch (NumberFormatException e) {
                throw new UsageException("invalid " + what + " port: " + s);
            }
        }
    }
}
