package dev.reflowkit.field;

/**
 * A velocity field whose one call evaluates more (or fewer) than one network, e.g. a {@link
 * GuidedField} that evaluates a strong and a weak model.
 *
 * <p>NFE counts network evaluations (docs/CONVENTIONS.md): the solvers charge each call to a field
 * {@link #costOf(VelocityField)} evaluations, so a guided sample's {@code SampleResult.nfe} counts
 * both networks. A plain field costs 1 per call. Decorators that wrap another field (counting,
 * time flipping) pass the wrapped field's cost through.
 */
public interface CostedField extends VelocityField {

    /**
     * The network evaluations one call of {@link #velocity} costs, per sample.
     *
     * @return the cost, {@code >= 0}
     */
    int evaluationsPerCall();

    /**
     * The network evaluations one call of a field costs: its {@link #evaluationsPerCall()} if it
     * is a {@code CostedField}, else 1.
     *
     * @param field the field
     * @return the cost per call
     * @throws IllegalArgumentException if {@code field} is null or reports a negative cost
     */
    static int costOf(VelocityField field) {
        if (field == null) {
            throw new IllegalArgumentException("costOf needs a field, got null");
        }
        if (!(field instanceof CostedField c)) {
            return 1;
        }
        int cost = c.evaluationsPerCall();
        if (cost < 0) {
            throw new IllegalArgumentException(field.getClass().getSimpleName()
                    + " reports a negative cost per call: " + cost);
        }
        return cost;
    }
}
