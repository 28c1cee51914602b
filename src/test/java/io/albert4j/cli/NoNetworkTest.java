package io.albert4j.cli;

import io.albert4j.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI opens no connection outside loopback: each task command (and the slow tokenizer, which loads
 * DJL's SentencePiece binding) runs in a child JVM inside a
 * network namespace with no interfaces ({@code unshare -n}, so no packet can leave) under
 * {@code strace -f}, and every {@code connect}/{@code sendto}/{@code sendmsg} to an address other than
 * loopback fails the test. {@code OPT_OUT_TRACKING} and DJL's offline switches are removed from the
 * child's environment, so the library's own opt-out is what is tested, not the caller's setting.
 *
 * <p>A control run with the user's explicit {@code -DOPT_OUT_TRACKING=false} shows that the harness
 * sees DJL's call home (to 169.254.169.254) when it happens, and that an explicit setting is respected.
 *
 * <p>Linux only (network namespaces and strace); the {@code no-network} profile in pom.xml runs it on
 * Linux, where it needs root (or unprivileged user namespaces) and strace, and fails without them.
 */
class NoNetworkTest {
    private static final Pattern ADDRESS =
            Pattern.compile("inet_addr\\(\"([^\"]+)\"\\)|inet_pton\\(AF_INET6, \"([^\"]+)\"");
    private static final long TIMEOUT_SECONDS = 240;

    @Test
    void taskCommandsOpenNoConnectionOutsideLoopback() throws Exception {
        Path maskedLm = Fixtures.modelDir("albert-tiny-maskedlm");
        Path seqCls = Fixtures.modelDir("albert-tiny-seqcls");
        Path qa = Fixtures.modelDir("albert-tiny-qa");
        List<List<String>> commands = List.of(
                List.of("tokenize", "--model", maskedLm.toString(), "Hello, my dog is cute"),
                List.of("tokenize", "--tokenizer", "slow", "--model", maskedLm.toString(), "Hello, my dog is cute"),
                List.of("fill-mask", "--model", maskedLm.toString(), "Paris is the [MASK] of France."),
                List.of("classify", "--model", seqCls.toString(), "I love this."),
                List.of("qa", "--model", qa.toString(),
                        "--question", "Where do I live?", "--context", "My name is Wolfgang and I live in Berlin."));
        for (List<String> command : commands) {
            Traced run = traced(List.of(), command);
            assertEquals(0, run.exitCode, () -> command + " failed: " + run.stderr);
            assertEquals(List.of(), run.nonLoopback(), () -> command + " opened connections outside loopback");
        }
    }

    /** The slow tokenizer is the one that loads DJL (the fast one is pure Java). */
    @Test
    void theHarnessSeesDjlCallingHomeWhenTheUserExplicitlyAllowsIt() throws Exception {
        Traced run = traced(List.of("-DOPT_OUT_TRACKING=false"),
                List.of("tokenize", "--tokenizer", "slow", "--model", Fixtures.modelDir("albert-tiny-maskedlm").toString(), "hi"));
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.nonLoopback().stream().anyMatch(a -> a.equals("169.254.169.254")),
                () -> "expected DJL's EC2 metadata probe in the trace, saw " + run.connects);
    }

    /** What one traced child run did. */
    private record Traced(int exitCode, String stderr, List<String> connects) {
        List<String> nonLoopback() {
            List<String> out = new ArrayList<>();
            for (String line : connects) {
                Matcher m = ADDRESS.matcher(line);
                while (m.find()) {
                    String address = m.group(1) != null ? m.group(1) : m.group(2);
                    if (!isLoopback(address)) {
                        out.add(address);
                    }
                }
            }
            return out;
        }
    }

    static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127.");
    }

    private static Traced traced(List<String> jvmOptions, List<String> cliArgs) throws IOException, InterruptedException {
        Path trace = Files.createTempFile("albert-strace", ".txt");
        try {
            List<String> command = new ArrayList<>(unshare());
            command.addAll(List.of("strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", trace.toString()));
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", testClasspath(), Main.class.getName()));
            command.addAll(cliArgs);
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            env.remove("OPT_OUT_TRACKING");
            env.remove("DJL_OFFLINE");
            Path stderr = Files.createTempFile("albert-strace-err", ".txt");
            builder.redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(cliArgs + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            Files.delete(stderr);
            String traceText = Files.readString(trace, StandardCharsets.UTF_8);
            List<String> connects = traceText.lines()
                    .filter(l -> l.contains("connect(") || l.contains("sendto(") || l.contains("sendmsg("))
                    .toList();
            return new Traced(process.exitValue(), err, connects);
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    /** {@code unshare -n} as root; otherwise inside a user namespace ({@code -r}), where the kernel allows it. */
    private static List<String> unshare() {
        return "root".equals(System.getProperty("user.name")) ? List.of("unshare", "-n") : List.of("unshare", "-r", "-n");
    }

    private static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null ? surefire : System.getProperty("java.class.path");
    }
}
