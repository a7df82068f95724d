package io.caresstream.promptgenerator.domain;

import java.util.List;

/** What an import did: rows read, prompts published, rows rejected (with every error). */
public record ImportReport(String suite, String source, long rowsRead, long published, long rejected,
                           boolean publishedAnything, List<String> errors) {
}
