package io.caresstream.promptgenerator.domain;

import java.util.Map;

/** A suite with its prompt counts by principle, harm level and method. */
public record SuiteSummary(String suite, String dataset, String revision, String split, long prompts,
                           Map<String, Long> byPrinciple, Map<String, Long> byHarmLevel, Map<String, Long> byMethod) {
}
