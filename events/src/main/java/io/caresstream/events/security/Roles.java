package io.caresstream.events.security;

/**
 * The roles of CARES Stream, as a bearer token's {@code groups} claim names them. Every REST endpoint
 * declares the roles that may call it; an endpoint that declares none is refused.
 */
public final class Roles {

    /** The dashboard, scores and figure exports. */
    public static final String VIEWER = "viewer";
    /** Imports, variants, schedules, pause and resume, re-judging, and exports of prompt and response text. */
    public static final String OPERATOR = "operator";
    /** One service instance calling another ({@code /internal/*}). */
    public static final String SERVICE = "service";

    private Roles() {
    }
}
