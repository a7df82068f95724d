package io.caresstream.modelinvoker.domain;

/**
 * The model cannot be called until someone acts: its key was refused, it does not exist at the base URL,
 * or the server cannot be reached. Answering every further prompt with an error would burn through the
 * suite, so the consumer stops instead.
 */
public class ModelStoppedException extends RuntimeException {

    public ModelStoppedException(String reason) {
        super(reason);
    }
}
