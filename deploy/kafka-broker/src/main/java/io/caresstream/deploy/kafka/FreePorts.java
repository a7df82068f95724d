package io.caresstream.deploy.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Free TCP ports for the local servers the harnesses start. Ports asked for together are distinct: every probing
 * socket stays open until all are found. Asking one at a time lets the system hand the same port out twice (a
 * broker once got its controller port as its SASL_SSL port and refused to start).
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** One free port. */
    public static int one() {
        return distinct(1, Set.of()).get(0);
    }

    /** {@code count} distinct free ports, none in {@code taken}. */
    public static List<Integer> distinct(int count, Set<Integer> taken) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            while (ports.size() < count) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                if (!taken.contains(socket.getLocalPort())) {
                    ports.add(socket.getLocalPort());
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free local ports", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a listening socket we opened: nothing to do
                }
            }
        }
    }
}
