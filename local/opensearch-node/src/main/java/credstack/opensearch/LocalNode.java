package credstack.opensearch;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One real OpenSearch node on loopback, for tests, `npm start` and the bench.
 *
 * <p>Arguments: {@code <home> <data> <httpPort>} (port 0 picks a free one). Once the node
 * listens it prints one line {@code CREDSTACK_OPENSEARCH_HTTP=<host>:<port>} on stdout: the
 * Node side reads the real port from it, so there is no window between choosing a free port and
 * binding it. The JVM exits when its standard input closes, so a parent that dies (even by
 * SIGKILL) never leaves a node behind.
 */
public final class LocalNode {
  /** The server keeps this constructor protected: it is how a node starts with given plugins. */
  private static final class EmbeddedNode extends Node {
    EmbeddedNode(Settings settings) {
      super(
          InternalSettingsPreparer.prepareEnvironment(
              settings, java.util.Map.of(), null, () -> "credstack-local"),
          // HTTP (Netty4), the analyzers the mapping may name, and Painless for scripts.
          List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, PainlessPlugin.class),
          true);
    }
  }

  private LocalNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: LocalNode <home> <data> <httpPort>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    Path data = Path.of(args[1]).toAbsolutePath();
    Files.createDirectories(home);
    Files.createDirectories(data);
    Settings settings =
        Settings.builder()
            .put("cluster.name", "credstack-local")
            .put("node.name", "credstack-local")
            .put("path.home", home.toString())
            .put("path.data", data.toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", args[2])
            // Transport only talks to itself on one node: any free port.
            .put("transport.port", "0")
            .put("discovery.type", "single-node")
            // One node has nowhere to put replicas; 0 keeps every index green.
            .put("cluster.default_number_of_replicas", 0)
            // A developer disk at 90 % must not turn the indices read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .build();
    LogConfigurator.registerErrorListener();
    LogConfigurator.configureWithoutConfig(settings);

    Node node;
    try {
      node = new EmbeddedNode(settings).start();
    } catch (Throwable startFailure) {
      System.err.println("CREDSTACK_OPENSEARCH_FAILED=" + rootMessage(startFailure));
      startFailure.printStackTrace();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(node), "node-close"));

    InetSocketAddress bound =
        node.injector()
            .getInstance(HttpServerTransport.class)
            .boundAddress()
            .publishAddress()
            .address();
    System.out.println(
        "CREDSTACK_OPENSEARCH_HTTP=" + bound.getHostString() + ":" + bound.getPort());
    System.out.flush();

    // Block on stdin: EOF means the parent is gone (or closed it to ask for a stop).
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // Input is ignored: only its end matters.
    }
    closeQuietly(node);
    System.exit(0);
  }

  private static void closeQuietly(Node node) {
    try {
      node.close();
      node.awaitClose(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException | RuntimeException ignored) {
      // Exiting anyway; the data folder is consistent after a crash too (translog).
    }
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String first = failure.getClass().getSimpleName() + ": " + failure.getMessage();
    if (cause == failure) {
      return first.replace('\n', ' ');
    }
    return (first + " (cause: " + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")")
        .replace('\n', ' ');
  }
}
