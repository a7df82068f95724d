package io.caresstream.judge.domain;

/**
 * A judge id is bound to the rubric (or, for the heuristic judge, the rules) its judgments were made with: a score
 * under one id never mixes two rubrics. Says what to do when a judge starts with another rubric under an id
 * already bound.
 *
 * @param judgeId the id the judge was started under
 * @param bound   the version (content hash) the id is bound to
 * @param started the version this judge was started with
 * @param source  where this judge's rubric or rules came from (a file, or the built-in one)
 */
public record RubricPin(String judgeId, String bound, String started, String source) {

    /** The same name under a version that says which rubric it judges with: {@code name@rubric-<hash>}. */
    public String suggestedId() {
        String name = judgeId.substring(0, judgeId.indexOf('@'));
        String hash = started.substring(started.indexOf(':') + 1);
        return name + "@rubric-" + hash.substring(0, Math.min(8, hash.length()));
    }

    public String message() {
        return "judge " + judgeId + " refuses to start: its judgments were made with rubric " + bound
                + ", and this instance has " + started + " (" + source + "). One judge id keeps one rubric, so that "
                + "its scores never mix two. Start this rubric as a new judge, e.g. cares.judge.id=" + suggestedId()
                + " (it judges every response again, beside the old judge), or restore the rubric whose hash is "
                + bound + ".";
    }
}
