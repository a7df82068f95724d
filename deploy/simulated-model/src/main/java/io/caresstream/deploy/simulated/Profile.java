package io.caresstream.deploy.simulated;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Locale;

/**
 * The behaviour of the simulated model: label rates by harm level and method (first matching rule
 * wins), latency, injected faults, the provider's safety filter, and how often the simulated judge mislabels. Because labels are a pure function of the prompt, the expected
 * Safety Score of a run is known before it starts.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Profile(
        @JsonProperty("rules") List<Rule> rules,
        @JsonProperty("unknownPrompt") LabelRates unknownPrompt,
        @JsonProperty("judgeUnknownAnswer") String judgeUnknownAnswer,
        @JsonProperty("latencyMs") long latencyMs,
        @JsonProperty("faults") Faults faults,
        @JsonProperty("attacker") AttackerFailures attacker,
        @JsonProperty("blocking") Blocking blocking,
        @JsonProperty("judgeMislabelRate") double judgeMislabelRate) {

    /**
     * The provider's safety filter, as the model under evaluation's provider would apply it: a share of the
     * harmful prompts (harm level 1 to 3, and prompts not in the catalog) and of the harmless ones is blocked,
     * decided by the prompt alone. {@code shape} is how the block comes back: {@code answer} (a 200 answer that
     * says it was blocked: OpenAI's finish_reason content_filter, Anthropic's stop_reason refusal, Gemini's
     * finishReason SAFETY) or {@code prompt} (the prompt itself refused: an HTTP 400 content_filter error in
     * OpenAI's format, Gemini's promptFeedback.blockReason; Anthropic has no such answer and refuses as above).
     */
    public record Blocking(
            @JsonProperty("harmfulRate") double harmfulRate,
            @JsonProperty("harmlessRate") double harmlessRate,
            @JsonProperty("shape") String shape) {

        public static final Blocking NONE = new Blocking(0, 0, "answer");

        public Blocking {
            shape = shape == null ? "answer" : shape.toLowerCase(Locale.ROOT);
            if (!shape.equals("answer") && !shape.equals("prompt")) {
                throw new IllegalArgumentException("blocking.shape must be 'answer' or 'prompt', not '" + shape + "'");
            }
            if (harmfulRate < 0 || harmfulRate > 1 || harmlessRate < 0 || harmlessRate > 1) {
                throw new IllegalArgumentException("blocking rates must lie between 0 and 1");
            }
        }

        boolean blocks(String prompt, boolean harmless) {
            double rate = harmless ? harmlessRate : harmfulRate;
            return rate > 0 && SimulatedModelServer.uniform(prompt + "#blocked") < rate;
        }

        boolean promptShape() {
            return shape.equals("prompt");
        }
    }

    /** Without a safety filter. */
    public Profile(List<Rule> rules, LabelRates unknownPrompt, String judgeUnknownAnswer, long latencyMs, Faults faults,
                   AttackerFailures attacker) {
        this(rules, unknownPrompt, judgeUnknownAnswer, latencyMs, faults, attacker, Blocking.NONE, 0);
    }

    /**
     * When the simulated attacker fails instead of rewriting: if the base prompt contains one of the
     * phrases, it refuses, answers nothing, or hands the base prompt back unchanged.
     */
    public record AttackerFailures(
            @JsonProperty("refuseWhen") List<String> refuseWhen,
            @JsonProperty("emptyWhen") List<String> emptyWhen,
            @JsonProperty("echoWhen") List<String> echoWhen) {

        public static final AttackerFailures NONE = new AttackerFailures(null, null, null);

        public AttackerFailures {
            refuseWhen = refuseWhen == null ? List.of() : List.copyOf(refuseWhen);
            emptyWhen = emptyWhen == null ? List.of() : List.copyOf(emptyWhen);
            echoWhen = echoWhen == null ? List.of() : List.copyOf(echoWhen);
        }

        static boolean any(List<String> phrases, String basePrompt) {
            return phrases.stream().anyMatch(basePrompt::contains);
        }
    }

    /** A rule; a null harm level or method matches any. */
    public record Rule(
            @JsonProperty("harmLevel") Integer harmLevel,
            @JsonProperty("method") String method,
            @JsonProperty("accept") double accept,
            @JsonProperty("caution") double caution,
            @JsonProperty("refuse") double refuse) {

        boolean matches(int level, String promptMethod) {
            return (harmLevel == null || harmLevel == level)
                    && (method == null || method.toLowerCase(Locale.ROOT).equals(promptMethod));
        }

        LabelRates rates() {
            return new LabelRates(accept, caution, refuse);
        }
    }

    /**
     * Shares of calls answered with a fault instead of a completion; decided per prompt and attempt, on
     * every attempt or only on the first few (so that a retry succeeds). Apart from those, a share of the
     * prompts under evaluation fails on every call (HTTP 500), decided by the prompt alone: the same prompts
     * fail in every run.
     *
     * @param retryAfterShare the share of 429 answers that carry Retry-After (null: all of them)
     */
    public record Faults(
            @JsonProperty("rate429") double rate429,
            @JsonProperty("retryAfterSeconds") int retryAfterSeconds,
            @JsonProperty("rate500") double rate500,
            @JsonProperty("rateTimeout") double rateTimeout,
            @JsonProperty("timeoutMs") long timeoutMs,
            @JsonProperty("rateMalformed") double rateMalformed,
            @JsonProperty("onlyFirstAttempts") int onlyFirstAttempts,
            @JsonProperty("rate401") double rate401,
            @JsonProperty("retryAfterShare") Double retryAfterShare,
            @JsonProperty("failingPromptRate") double failingPromptRate) {

        public static final Faults NONE = new Faults(0, 1, 0, 0, 30_000, 0, 0, 0);

        /** Without malformed answers or refused keys, on every attempt. */
        public Faults(double rate429, int retryAfterSeconds, double rate500, double rateTimeout, long timeoutMs) {
            this(rate429, retryAfterSeconds, rate500, rateTimeout, timeoutMs, 0, 0, 0);
        }

        /** Without refused keys. */
        public Faults(double rate429, int retryAfterSeconds, double rate500, double rateTimeout, long timeoutMs,
                      double rateMalformed, int onlyFirstAttempts) {
            this(rate429, retryAfterSeconds, rate500, rateTimeout, timeoutMs, rateMalformed, onlyFirstAttempts, 0);
        }

        /** Without failing prompts; every 429 carries Retry-After. */
        public Faults(double rate429, int retryAfterSeconds, double rate500, double rateTimeout, long timeoutMs,
                      double rateMalformed, int onlyFirstAttempts, double rate401) {
            this(rate429, retryAfterSeconds, rate500, rateTimeout, timeoutMs, rateMalformed, onlyFirstAttempts, rate401,
                    null, 0);
        }

        /** Every call refused as if the key had been revoked. */
        public static Faults keyRevoked() {
            return new Faults(0, 1, 0, 0, 30_000, 0, 0, 1.0);
        }

        /** Whether a 429 drawn at this point of its interval (0 to 1) carries Retry-After. */
        boolean retryAfterAt(double pointIn429) {
            return pointIn429 < retryAfterShare;
        }

        /** Whether every call for this prompt fails. */
        boolean failsAlways(String prompt) {
            return failingPromptRate > 0 && SimulatedModelServer.uniform(prompt + "#failing") < failingPromptRate;
        }

        /** Whether faults apply to this attempt at a prompt (all attempts when onlyFirstAttempts is 0). */
        boolean appliesTo(int attempt) {
            return onlyFirstAttempts <= 0 || attempt <= onlyFirstAttempts;
        }

        @JsonCreator
        public Faults {
            retryAfterShare = retryAfterShare == null ? 1.0 : retryAfterShare;
            if (retryAfterShare < 0 || retryAfterShare > 1 || failingPromptRate < 0 || failingPromptRate > 1) {
                throw new IllegalArgumentException("retryAfterShare and failingPromptRate must lie between 0 and 1");
            }
            if (rate429 < 0 || rate500 < 0 || rateTimeout < 0 || rateMalformed < 0 || rate401 < 0
                    || rate429 + rate500 + rateTimeout + rateMalformed + rate401 > 1) {
                throw new IllegalArgumentException("fault rates must be non-negative and add up to at most 1");
            }
        }
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public Profile {
        rules = rules == null ? List.of() : List.copyOf(rules);
        unknownPrompt = unknownPrompt == null ? new LabelRates(0, 0, 1) : unknownPrompt;
        judgeUnknownAnswer = judgeUnknownAnswer == null ? SimulatedLabel.CAUTION.judgeAnswer() : judgeUnknownAnswer;
        faults = faults == null ? Faults.NONE : faults;
        attacker = attacker == null ? AttackerFailures.NONE : attacker;
        blocking = blocking == null ? Blocking.NONE : blocking;
        if (judgeMislabelRate < 0 || judgeMislabelRate > 1) {
            throw new IllegalArgumentException("judgeMislabelRate must lie between 0 and 1");
        }
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latencyMs must be >= 0");
        }
        rules.forEach(Rule::rates); // validates every rule's rates now, not on the first request
    }

    /** A plausible default: safe on harmful prompts, some over-refusal, weaker against role-play. */
    public static Profile defaults() {
        return new Profile(List.of(
                new Rule(0, "obfuscate", 0.5, 0.25, 0.25),
                new Rule(0, null, 0.85, 0.1, 0.05),
                new Rule(null, "role_play", 0.35, 0.35, 0.3),
                new Rule(1, null, 0.2, 0.5, 0.3),
                new Rule(2, null, 0.1, 0.4, 0.5),
                new Rule(3, null, 0.05, 0.15, 0.8)),
                null, null, 0, Faults.NONE, AttackerFailures.NONE);
    }

    public Profile withLatencyMs(long latency) {
        return new Profile(rules, unknownPrompt, judgeUnknownAnswer, latency, faults, attacker, blocking, judgeMislabelRate);
    }

    public Profile withBlocking(Blocking filter) {
        return new Profile(rules, unknownPrompt, judgeUnknownAnswer, latencyMs, faults, attacker, filter, judgeMislabelRate);
    }

    /**
     * A simulated judge that gives the wrong label to this share of what it judges (the next label of Accept,
     * Caution, Refuse), decided by the text judged: a judge degrading mid-run, as the gold canaries must notice.
     */
    public Profile withJudgeMislabelRate(double rate) {
        return new Profile(rules, unknownPrompt, judgeUnknownAnswer, latencyMs, faults, attacker, blocking, rate);
    }

    public LabelRates ratesFor(int harmLevel, String method) {
        for (Rule rule : rules) {
            if (rule.matches(harmLevel, method)) {
                return rule.rates();
            }
        }
        return unknownPrompt;
    }
}
