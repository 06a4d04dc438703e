package dev.emostream.app.dashboard;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;

/**
 * Server-sent events ({@code text/event-stream}) to at most {@code maxClients} browsers.
 *
 * <p>The JDK server's handler threads are few and shared with {@code /health}, so {@link #accept} only sends
 * the headers and the first messages, then hands the open exchange to a writer thread of its own and returns.
 * Each client has a bounded queue: a browser that stops reading fills it and is dropped (its socket closed,
 * which also unblocks a write stuck on a full TCP window), and a browser that goes away makes the next write
 * fail, which ends its thread; with stats sent every second that is noticed within a second or two. The
 * {@code retry:} line tells {@code EventSource} to reconnect two seconds after the app goes away.
 */
final class EventStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    static final int RETRY_MS = 2000;

    private final int maxClients;
    private final int queueSize;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean closed;

    EventStream(int maxClients, int queueSize) {
        this.maxClients = maxClients;
        this.queueSize = queueSize;
    }

    /**
     * Takes over {@code exchange} (the caller must not close it) and sends {@code first} to it before any
     * broadcast. Refuses with 503 when closed or full.
     */
    void accept(HttpExchange exchange, List<String> first) throws IOException {
        synchronized (this) {
            if (closed || clients.size() >= maxClients) {
                try (exchange) {
                    byte[] body = ("too many dashboard viewers (at most " + maxClients + ")\n")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                    exchange.getResponseHeaders().set("Retry-After", "10");
                    exchange.sendResponseHeaders(503, body.length);
                    exchange.getResponseBody().write(body);
                }
                return;
            }
            Client client = new Client(exchange, ids.incrementAndGet());
            client.queue.offer("retry: " + RETRY_MS + "\n\n");
            for (String m : first) {
                client.queue.offer(m);
            }
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            clients.add(client);
            client.thread.start();
        }
    }

    /** One SSE message: {@code event: name} and one {@code data:} line (JSON has no raw newlines). */
    static String message(String event, String json) {
        return "event: " + event + "\ndata: " + json + "\n\n";
    }

    void broadcast(String message) {
        for (Client c : clients) {
            if (!c.queue.offer(message) && !c.done) {
                LOG.info("dashboard viewer {} is not reading; dropping it (it will reconnect)", c.id);
                c.close();
            }
        }
    }

    int clients() {
        return clients.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        List<Client> all = List.copyOf(clients);
        for (Client c : all) {
            c.close();
        }
        for (Client c : all) {
            try {
                c.thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Client implements Runnable {
        final HttpExchange exchange;
        final int id;
        final BlockingQueue<String> queue = new ArrayBlockingQueue<>(queueSize);
        final Thread thread;
        private volatile boolean done;

        Client(HttpExchange exchange, int id) {
            this.exchange = exchange;
            this.id = id;
            this.thread = new Thread(this, "dashboard-sse-" + id);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            OutputStream out = exchange.getResponseBody();
            try {
                while (!done) {
                    String m = queue.poll(5, TimeUnit.SECONDS);
                    if (m == null) {
                        m = ": keep-alive\n\n";
                    }
                    out.write(m.getBytes(StandardCharsets.UTF_8));
                    // the JDK's chunked stream sends a chunk on flush; without it the browser waits for 4 KiB
                    out.flush();
                }
            } catch (IOException e) {
                LOG.debug("dashboard viewer {} went away: {}", id, e.toString());
            } catch (InterruptedException e) {
                // stop(): end the response below; this thread is ending anyway, so the flag need not be kept
            } finally {
                clients.remove(this);
                exchange.close();
            }
        }

        /**
         * Ends this client from any thread without blocking it: the writer thread closes the exchange. A write
         * stuck on a full TCP window is unblocked too, because the JDK server writes through a SocketChannel,
         * which an interrupt closes.
         */
        void close() {
            done = true;
            clients.remove(this);
            thread.interrupt();
        }
    }
}
