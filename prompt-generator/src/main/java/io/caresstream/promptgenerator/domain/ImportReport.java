package io.caresstream.promptgenerator.domain;

import java.util.List;

/**
 * What an import did: rows read, prompts published, errors found in rejected rows (the first thousand listed,
 * {@code errorsNotListed} more counted), and valid rows left out by the selection (filters or sample), so every
 * row read is accounted for.
 */
public record ImportReport(String suite, String source, long rowsRead, long published, long rejected,
                           long notSelected, boolean publishedAnything, List<String> errors, long errorsNotListed) {
}
