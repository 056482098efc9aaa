import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

/**
 * Starts DynamoDB Local bound to one address. DynamoDB Local has no bind-address option and
 * its Jetty server listens on every interface, so this sets each connector's host before start.
 *
 * Usage: DynamoDBLocalLauncher HOST PORT [DynamoDB Local options...]
 * PORT 0 asks the OS for a free port; the line "listening HOST PORT" on stdout reports it.
 * The server stops when stdin closes, so it never outlives the process that started it.
 */
public final class DynamoDBLocalLauncher {
    private DynamoDBLocalLauncher() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: DynamoDBLocalLauncher HOST PORT [DynamoDB Local options...]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String[] options = Arrays.copyOfRange(args, 2, args.length + 2);
        // DynamoDB Local rejects port 0: it gets a placeholder, and each connector the real port below.
        options[options.length - 2] = "-port";
        options[options.length - 1] = port == 0 ? "8000" : args[1];

        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(options);
        Field serverField = DynamoDBProxyServer.class.getDeclaredField("server");
        serverField.setAccessible(true);
        Server server = (Server) serverField.get(proxy);
        for (Connector connector : server.getConnectors()) {
            AbstractNetworkConnector network = (AbstractNetworkConnector) connector;
            network.setHost(host);
            network.setPort(port);
        }

        proxy.start();
        for (Connector connector : server.getConnectors()) {
            System.out.println("listening " + host + " " + ((AbstractNetworkConnector) connector).getLocalPort());
        }
        System.out.flush();
        stopWhenStdinCloses(proxy);
        proxy.join();
    }

    private static void stopWhenStdinCloses(DynamoDBProxyServer proxy) {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // Input is ignored; only end-of-file matters.
                }
                proxy.stop();
            } catch (Exception error) {
                error.printStackTrace();
            }
            System.exit(0);
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
