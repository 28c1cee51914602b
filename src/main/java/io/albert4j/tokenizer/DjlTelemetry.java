package io.albert4j.tokenizer;

/**
 * Keeps DJL from "calling home". DJL's native bindings run {@code Ec2Utils.callHome} when a
 * SentencePiece processor is created: HTTP requests to the EC2 instance-metadata address
 * (169.254.169.254) and, on EC2, a telemetry request to an AWS bucket. A library must not open
 * connections its user did not ask for, so before the first DJL call this sets DJL's documented
 * opt-out, the {@code OPT_OUT_TRACKING} system property, to {@code true}.
 *
 * <p>An explicit choice wins: if the environment variable or the system property
 * {@code OPT_OUT_TRACKING} is already set (to anything), nothing is changed. DJL's {@code offline}
 * switch is left alone because it would also change what a user's own DJL code in the same JVM may
 * download. The other DJL paths the tokenizer reaches open no socket: the native library is copied
 * from DJL's jar into {@code ~/.djl.ai/cache}, and the platform check asks the local CUDA runtime,
 * if any, for a GPU count.
 *
 * <p>Thread-safe and idempotent.
 */
final class DjlTelemetry {
    static final String OPT_OUT = "OPT_OUT_TRACKING";

    private DjlTelemetry() {
    }

    /** Sets {@code OPT_OUT_TRACKING=true} unless the user already chose. */
    static synchronized void optOut() {
        if (System.getenv(OPT_OUT) == null && System.getProperty(OPT_OUT) == null) {
            System.setProperty(OPT_OUT, "true");
        }
    }
}
