package dev.reflowkit.solver;

/** Thrown when a solver would need more velocity evaluations than its configured cap allows. */
public final class NfeLimitExceededException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    /**
     * Creates the exception.
     *
     * @param solver the solver's name
     * @param limit the cap that was reached
     * @param t the time at which one more evaluation was needed
     */
    public NfeLimitExceededException(String solver, int limit, double t) {
        super(solver + " needs more than its NFE cap of " + limit
                + " evaluations (stopped at t=" + t
                + "); loosen atol/rtol, raise maxNfe, or check the field for NaN or stiffness");
        this.limit = limit;
    }

    /**
     * The cap that was reached.
     *
     * @return the NFE limit
     */
    public int getLimit() {
        return limit;
    }
}
