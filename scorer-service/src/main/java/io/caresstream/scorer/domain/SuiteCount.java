package io.caresstream.scorer.domain;

/**
 * The prompts of one suite: how many are on the log, and the largest size announced for it. The larger of
 * the two is the suite's size, the denominator of coverage: until the prompts counted reach what was
 * announced, coverage stays partial however fast the judgments catch up.
 *
 * <p>A delta has the same shape. Counts add up; the announced size is a maximum, which no removal lowers, so
 * a stored prompt needs to keep only its suite to be taken out again.
 */
public record SuiteCount(long prompts, long announced) {

    public static final SuiteCount NONE = new SuiteCount(0, 0);

    public long size() {
        return Math.max(prompts, announced);
    }

    public SuiteCount add(PromptRow prompt) {
        return new SuiteCount(prompts + 1,
                prompt.announcedSize() == null ? announced : Math.max(announced, prompt.announcedSize()));
    }

    public SuiteCount remove(PromptRow prompt) {
        return new SuiteCount(prompts - 1, announced);
    }

    /** Adds a delta. */
    public SuiteCount plus(SuiteCount delta) {
        return new SuiteCount(prompts + delta.prompts, Math.max(announced, delta.announced));
    }
}
