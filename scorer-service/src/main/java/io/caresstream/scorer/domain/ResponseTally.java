package io.caresstream.scorer.domain;

/** Responses of one model on one suite: how many, how many failed, and what they cost in tokens, time and money. */
public class ResponseTally {

    public long responded;
    public long errors;
    public long inputTokens;
    public long outputTokens;
    public long latencyMs;
    public double costUsd;

    public ResponseTally add(ResponseRow response) {
        return apply(response, 1);
    }

    public ResponseTally remove(ResponseRow response) {
        return apply(response, -1);
    }

    /** Adds another tally (which may be negative: a delta) to this one. */
    public ResponseTally plus(ResponseTally other) {
        responded += other.responded;
        errors += other.errors;
        inputTokens += other.inputTokens;
        outputTokens += other.outputTokens;
        latencyMs += other.latencyMs;
        costUsd += other.costUsd;
        return this;
    }

    private ResponseTally apply(ResponseRow response, int sign) {
        responded += sign;
        errors += response.ok() ? 0 : sign;
        inputTokens += sign * response.inputTokens();
        outputTokens += sign * response.outputTokens();
        latencyMs += sign * response.latencyMs();
        costUsd += response.costUsd() == null ? 0 : sign * response.costUsd();
        return this;
    }
}
