package io.caresstream.events.text;

import java.util.ArrayList;
import java.util.Collection;

/**
 * The errors found in a file a client sent: every one counted, the first {@value #MAX_LISTED} kept to be shown. A
 * file that is not what it claims (a binary, a log) has an error on nearly every line; listing them all would take
 * the memory of the service and of the client reading the answer.
 */
public final class ErrorList<E> extends ArrayList<E> {

    public static final int MAX_LISTED = 1_000;

    private long count;

    /** Counts the error; keeps it while fewer than {@value #MAX_LISTED} are kept. */
    @Override
    public boolean add(E error) {
        count++;
        return size() < MAX_LISTED && super.add(error);
    }

    @Override
    public boolean addAll(Collection<? extends E> errors) {
        errors.forEach(this::add);
        return !errors.isEmpty();
    }

    /** Errors found, listed or not. */
    public long count() {
        return count;
    }

    /** Errors found but not listed. */
    public long notListed() {
        return count - size();
    }
}
