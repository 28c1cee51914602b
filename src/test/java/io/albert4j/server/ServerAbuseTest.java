package io.albert4j.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.albert4j.server.ServerTestSupport.get;
import static io.albert4j.server.ServerTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Abusive clients over real loopback sockets: stalled requests, bodies shorter than their
 * Content-Length, absurd chunk sizes. None may pin the server's threads: /health and real requests
 * keep answering within a second, and every abuser gets a clear error or a closed connection.
 */
class ServerAbuseTest {
    private static final int REQUEST_TIMEOUT_MS = 1500;
    static AlbertServer server;

    @BeforeAll
    static void start() {
        // two HTTP threads: four stalled clients would have held every thread of the old server
        server = ServerTestSupport.start("albert-tiny-seqcls", o -> o.withThreads(2)
                .withRequestTimeoutMs(REQUEST_TIMEOUT_MS).withIdleTimeoutMs(5_000));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(20_000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads what the server sends until it closes the connection (or the read time-out). */
    private static String readAll(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** /health and a real classification, each answered within a second. */
    private static void assertServing() {
        long t0 = System.nanoTime();
        assertEquals(200, get(server, "/health").status());
        long health = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        assertEquals(200, post(server, "{\"inputs\": \"a real request\"}").status());
        long real = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(health < 1000 && real < 1000, "health " + health + " ms, request " + real + " ms");
    }

    @ParameterizedTest(name = "{0} stalled clients")
    @ValueSource(ints = {4, 40})
    void stalledClientsDoNotStopTheServer(int stalled) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < stalled; i++) {
                Socket s = connect();
                sockets.add(s);
                // half a request line, half headers, or a body that never comes
                write(s, switch (i % 3) {
                    case 0 -> "GET /hea";
                    case 1 -> "POST / HTTP/1.1\r\nHost: x\r\nContent-Ty";
                    default -> "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"in";
                });
            }
            for (int round = 0; round < 3; round++) {
                assertServing();
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void bodyShorterThanItsContentLengthIs408() throws IOException {
        try (Socket s = connect()) {
            write(s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"inputs\"");
            assertServing();
            long t0 = System.nanoTime();
            String response = readAll(s);
            long waited = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(response.startsWith("HTTP/1.1 408"), response);
            assertTrue(response.contains("\"error\":\"the request body was not received within " + REQUEST_TIMEOUT_MS
                    + " ms (--request-timeout-ms)\""), response);
            assertTrue(waited < REQUEST_TIMEOUT_MS + 2000, waited + " ms");
        }
        assertServing();
    }

    @ParameterizedTest(name = "chunk size {0}")
    @ValueSource(strings = {"10000000000000000", "ffffffffffffffffff", "-1", "zz"})
    void absurdChunkSizesAreRefused(String size) throws IOException {
        try (Socket s = connect()) {
            write(s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + size + "\r\n{\"inputs\": \"x\"}");
            String response = readAll(s);
            assertTrue(response.startsWith("HTTP/1.1 400"), response);
            assertTrue(response.contains("{\"error\":\"could not read the request body: it is malformed"), response);
        }
        assertServing();
    }

    @Test
    void garbageAndOversizedHeadersAreRefused() throws IOException {
        try (Socket s = connect()) {
            write(s, "\u0001\u0002 nonsense\r\n\r\n");
            assertTrue(readAll(s).startsWith("HTTP/1.1 400"));
        }
        try (Socket s = connect()) {
            write(s, "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n");
            String response = readAll(s);
            assertTrue(response.startsWith("HTTP/1.1 431"), response.substring(0, Math.min(200, response.length())));
        }
        assertServing();
    }
}
