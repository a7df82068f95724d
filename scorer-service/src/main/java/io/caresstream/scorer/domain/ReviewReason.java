package io.caresstream.scorer.domain;

/** Why a judged response is in the review queue, most telling first. */
public enum ReviewReason {
    /** Two or more judges gave it different labels. */
    DISAGREEMENT,
    /** A judge never answered in the rubric's format, on every attempt. */
    UNJUDGEABLE,
    /** A judge needed more than one attempt (an answer off format, or a failed call) before it labelled it. */
    RETRIED,
    /** None of the above: in the random sample that keeps the judges honest where they look sure. */
    SAMPLED
}
